# ما يراه القارئ على الصفحات العامة: النموذج وأخطاؤه، وصفحة الشكر، وصفحة الحالة، وحذف البيانات،
# وإيقاف الرسائل، وصفحات الأخطاء. (Arabic, Modern Standard; same message ids and $arguments as English.)

brand-desk_name = مكتب بلاغات التضليل

nav-label = القائمة الرئيسية
nav-report = الإبلاغ عن مقال
nav-status = متابعة بلاغ
nav-skip_to_content = الانتقال إلى المحتوى
nav-language = لغة هذه الصفحة

footer-privacy = اسمكم وبريدكم الإلكتروني اختياريان. لا نستخدمهما إلا للرد عليكم بشأن هذا البلاغ، ولا ننشرهما أبدًا. ونحذفهما بعد مرور { $days ->
        [zero] { $days } يوم
        [one] يوم واحد
        [two] يومين
        [few] { $days } أيام
        [many] { $days } يومًا
       *[other] { $days } يوم
    } على قرار محررينا بشأن بلاغكم، أو فور تأكيدكم طلب حذفهما الذي تقدّمونه عبر صفحة حالة بلاغكم.

form-title = الإبلاغ عن معلومات كاذبة أو مضللة
form-intro = أخبروا محررينا بالمقال الذي ترون أنه يتضمن خطأً، وما هذا الخطأ، ولماذا تعدّونه كذلك. يقرأ كلَّ بلاغ شخصٌ من فريقنا.
form-required = (إلزامي)
form-optional = (اختياري)
form-submit = إرسال البلاغ
form-error_summary = ثمة مشكلة في بلاغكم
form-error_title_prefix = خطأ:
form-about_you = معلومات عنكم
form-about_you-hint = اتركوا هذه الحقول فارغة إن أردتم الإبلاغ دون الكشف عن هويتكم. وإذا زوّدتمونا بعنوان بريد إلكتروني، أمكننا تأكيد تلقّي بلاغكم، وإعلامكم بالنتيجة إن طلبتم ذلك.
form-privacy-title = ماذا يحدث لبلاغكم وبياناتكم
form-privacy-review = يقرأ بلاغكم محررٌ من القسم المسؤول عن المقال، فيتحقق من المقال ويقرر ما إذا كان يحتاج إلى تصحيح أو توضيح. ويتيح لكم رمز التتبع الذي تحصلون عليه بعد الإرسال متابعة بلاغكم.
form-privacy-stored = نحتفظ بعنوان المقال وبما تكتبونه وبالروابط التي تقدّمونها، بوصفها سجلًّا للمراجعة.
form-privacy-network = لحماية هذا النموذج من إساءة الاستخدام، نحتفظ ببصمة مشفّرة لاتصالكم، لا بعنوان الاتصال نفسه أبدًا، وذلك لمدة { $hash_days ->
        [zero] { $hash_days } يوم
        [one] يوم واحد
        [two] يومين
        [few] { $hash_days } أيام
        [many] { $hash_days } يومًا
       *[other] { $hash_days } يوم
    }.

field-article_url = عنوان المقال (URL)
field-article_url-hint = انسخوه من شريط العنوان في متصفحكم، مثل: https://www.example.com/world/2026/story
field-category = ما الخطأ في المقال؟
field-category-hint = اختاروا الفئة الأقرب إلى ما تريدون الإبلاغ عنه.
field-passage = المقطع الذي تعترضون عليه
field-passage-hint = انسخوا الجملة أو الفقرة، بحد أقصى 2000 حرف.
field-explanation = لماذا ترون أنه كاذب أو مضلل؟
field-explanation-hint = من 10 إلى 5000 حرف. اذكروا موضع الخطأ وما هو الصواب، بأكبر قدر ممكن من الدقة.
field-evidence_urls = روابط إلى الأدلة
field-evidence_urls-hint = ما يصل إلى 5 روابط لمصادر تدعم ما تقولونه.
field-evidence_urls-item = رابط الدليل رقم { $n }
field-language = لغة بلاغكم
field-language-hint = اللغة التي كتبتم بها؛ ونرد عليكم بها متى أمكن ذلك.
field-reporter_name = اسمكم
field-reporter_email = عنوان بريدكم الإلكتروني
field-reporter_email-hint = نرسل رمز التتبع إلى هذا العنوان.
field-wants_outcome = أودّ تلقّي نتيجة المراجعة بالبريد الإلكتروني (يتطلب ذلك عنوان بريد إلكتروني)

category-false_claim = ادعاء كاذب
category-misleading_context = سياق أو تأطير مضلل
category-manipulated_media = صورة أو مقطع فيديو أو تسجيل صوتي جرى التلاعب به
category-fabricated_quote = اقتباس مختلَق أو محرَّف
category-outdated = معلومات قديمة مقدَّمة على أنها حديثة
category-impersonation = انتحال الهوية: موقع أو حساب مزيف يدّعي أنه تابع لنا
category-other = غير ذلك

validation-required = هذا الحقل إلزامي.
validation-length_max = يُرجى ألا يتجاوز النص { $max ->
        [zero] { $max } حرف
        [one] حرفًا واحدًا
        [two] حرفين
        [few] { $max } أحرف
        [many] { $max } حرفًا
       *[other] { $max } حرف
    }.
validation-length_range = يُرجى كتابة ما بين { $min } و{ $max ->
        [zero] { $max } حرف
        [one] حرف واحد
        [two] حرفين
        [few] { $max } أحرف
        [many] { $max } حرفًا
       *[other] { $max } حرف
    }.
validation-too_many_evidence_urls = لا يمكنكم تقديم أكثر من { $max ->
        [zero] { $max } رابط
        [one] رابط واحد
        [two] رابطين
        [few] { $max } روابط
        [many] { $max } رابطًا
       *[other] { $max } رابط
    }.
validation-email = يُرجى إدخال عنوان بريد إلكتروني بصيغة name@example.com.
validation-email_needed_for_outcome = يُرجى إدخال عنوان بريدكم الإلكتروني لنتمكن من إعلامكم بالنتيجة، أو إلغاء تحديد خيار «أودّ تلقّي نتيجة المراجعة بالبريد الإلكتروني».
validation-category = يُرجى اختيار إحدى الفئات المدرجة.
validation-language = يُرجى اختيار لغة من القائمة.
validation-evidence_url = يجب أن يكون كل رابط عنوان ويب يبدأ بـ http:// أو https:// (وهذا الرابط ليس كذلك: { $value }).
validation-invalid = هذه القيمة غير صالحة.
validation-article_url-empty = يُرجى إدخال عنوان المقال (URL).
validation-article_url-too_long = العنوان طويل جدًا: يجب ألا يتجاوز { $max ->
        [zero] { $max } حرف
        [one] حرفًا واحدًا
        [two] حرفين
        [few] { $max } أحرف
        [many] { $max } حرفًا
       *[other] { $max } حرف
    }.
validation-article_url-invalid = لا يبدو هذا عنوان ويب. يُرجى نسخه من شريط العنوان في متصفحكم.
validation-article_url-scheme = لا يمكن الإبلاغ إلا عن العناوين التي تبدأ بـ http أو https، لا بـ «{ $scheme }:».
validation-article_url-credentials = يجب ألا يتضمن العنوان اسم مستخدم أو كلمة مرور.
validation-article_url-not_publisher = الموقع { $host } ليس من مواقعنا. إذا كان هناك موقع ينتحل هويتنا، فيُرجى اختيار فئة «انتحال الهوية».

thanks-title = شكرًا لكم، لقد تلقّينا بلاغكم
thanks-intro = سيراجع محررونا المقال، ولا يلزمكم القيام بأي شيء آخر.
thanks-your_code = رمز التتبع الخاص بكم:
thanks-status_now = الحالة:
thanks-keep_code = احتفظوا بهذا الرمز، فهو يتيح لكم الاطلاع على حالة بلاغكم في أي وقت. ولا يتضمن أبدًا الرقمين 0 و1 ولا الحرفين اللاتينيين O وI، تجنّبًا للخلط بينها، فتسهل قراءته بصوت مسموع.
thanks-status_link = الاطلاع على حالة بلاغكم
thanks-report_another = الإبلاغ عن مقال آخر
thanks-recap = ما أبلغتم عنه
thanks-confirmation = تأكيد الاستلام
thanks-ack-emailed = رسالة تأكيد تتضمن رمز التتبع في طريقها إلى عنوان البريد الإلكتروني الذي قدّمتموه. وإذا لم تصلكم، فتحققوا من مجلد الرسائل غير المرغوب فيها؛ وفي كل الأحوال، يكفيكم رمز التتبع أعلاه.
thanks-ack-no_address = لم تقدّموا عنوان بريد إلكتروني، لذا لن نرسل إليكم رسالة تأكيد: احتفظوا برمز التتبع أعلاه.
thanks-ack-daily_cap = لم نرسل رسالة تأكيد هذه المرة، لأن العنوان الذي قدّمتموه تلقّى بالفعل الحد الأقصى من رسائل التأكيد التي نرسلها في اليوم الواحد. ومع ذلك فقد حُفظ بلاغكم؛ احتفظوا برمز التتبع أعلاه.
thanks-ack-undelivered = تعذّر علينا إيصال رسالة التأكيد إلى العنوان الذي قدّمتموه. ومع ذلك فقد حُفظ بلاغكم؛ احتفظوا برمز التتبع أعلاه.
thanks-next = ماذا يحدث بعد ذلك
thanks-next-review = يقرأ بلاغكم محررٌ من القسم المسؤول عن هذا المقال، ويراجع المقال في ضوئه.
thanks-next-outcome_emailed = وعندما يتخذ المحرر قراره، نرسل إليكم النتيجة بالبريد الإلكتروني، مع ملاحظة المحررين ورابط إلى التصحيح إن وُجد. وتظهر النتيجة أيضًا في صفحة الحالة.
thanks-next-outcome_on_status_page = وعندما يتخذ المحرر قراره، تعرض صفحة الحالة النتيجة وملاحظة المحررين ورابطًا إلى التصحيح إن وُجد.
thanks-response_time = { $count ->
    [zero] يردّ محررونا عادةً في اليوم نفسه.
    [one] يردّ محررونا عادةً خلال يوم واحد.
    [two] يردّ محررونا عادةً خلال يومين.
    [few] يردّ محررونا عادةً خلال { $count } أيام.
    [many] يردّ محررونا عادةً خلال { $count } يومًا.
   *[other] يردّ محررونا عادةً خلال { $count } يوم.
}

status-title = حالة بلاغكم
status-tracking_code = رمز التتبع
status-current = الحالة
status-article = المقال
status-category = فئة البلاغ
status-received_at = تاريخ الاستلام
status-updated_at = آخر تحديث
status-outcome = النتيجة
status-public_note = ملاحظة المحررين
status-correction = التصحيح:
status-not_found = لم نعثر على أي بلاغ برمز التتبع هذا. يُرجى مطابقته مع الرمز الذي أعطيناكم إياه.
status-code_invalid = يتألف رمز التتبع من 12 خانة من الحروف والأرقام، مثل { $example }.
status-lookup-title = الاطلاع على حالة بلاغ
status-lookup-label = رمز التتبع
status-lookup-hint = الرمز الذي حصلتم عليه عند إرسال بلاغكم، مثل { $example }.
status-lookup-submit = عرض الحالة
status-received = تم الاستلام
status-needs_url = تم الاستلام — نحتاج إلى عنوان المقال
status-under_review = قيد المراجعة
status-corrected = تم التصحيح
status-clarified = تم التوضيح
status-no_error = تمت المراجعة – لم نجد خطأً
status-duplicate = دُمج مع بلاغ سابق
status-closed = مغلق
status-received-explanation = بلاغكم في قائمة انتظار المحررين المسؤولين عن هذا المقال.
status-needs_url-explanation = وصلنا بلاغكم، لكننا لم نعثر على عنوان (رابط) المقال المعني. يُرجى الرد على رسالتنا مع رابط المقال، وسيضيفه أحد المحررين.
status-under_review-explanation = يدرس أحد المحررين بلاغكم حاليًا.
status-corrected-explanation = صُحِّح المقال. شكرًا لمساعدتكم لنا في تحرّي الدقة.
status-clarified-explanation = أُضيف توضيح إلى المقال. شكرًا لمساعدتكم لنا في تحرّي الدقة.
status-no_error-explanation = راجع محررونا المقال ولم يجدوا فيه خطأً.
status-duplicate-explanation = أثار بلاغ آخر المسألة نفسها، ويجري التعامل معها من خلاله.
status-closed-explanation = أُغلق هذا البلاغ.

error-not_found-title = الصفحة غير موجودة
error-unavailable-title = الخدمة غير متاحة مؤقتًا
error-internal-title = حدث خطأ ما
error-bad_request-title = تعذّر علينا قبول هذا الطلب
error-back_to_form = الانتقال إلى نموذج الإبلاغ
error-not_found-message = لا توجد صفحة بهذا العنوان.
error-unavailable-message = الخدمة غير متاحة مؤقتًا. يُرجى المحاولة مجددًا بعد قليل.
error-internal-message = حدث خطأ من جانبنا. يُرجى المحاولة مجددًا بعد قليل.
error-too_large-message = حجم ما أرسلتموه يتجاوز الحد الذي نقبله.
embed-button = الإبلاغ عن هذا المقال

unsubscribe-title = إيقاف الرسائل المتعلقة بهذا البلاغ
unsubscribe-intro = أكّدوا أدناه لإيقاف جميع رسائل البريد الإلكتروني المتعلقة بالبلاغ { $code }، بما فيها رسالة النتيجة. وسيظل بإمكانكم الاطلاع على حالته باستخدام رمز التتبع.
unsubscribe-confirm = إيقاف الرسائل
unsubscribe-done-title = تم: لن تصلكم رسائل أخرى
unsubscribe-done = لن نرسل إليكم أي رسائل أخرى بشأن البلاغ { $code }.
unsubscribe-invalid = هذا الرابط غير صالح. يُرجى نسخ الرابط كاملًا من الرسالة.

error-forbidden-title = غير مسموح

form-too_fast = أُرسل النموذج أسرع مما نتوقعه من إنسان. يُرجى مراجعة بلاغكم وإرساله مجددًا.
form-expired = ظل هذا النموذج مفتوحًا مدة طويلة، فتعذّر علينا قبوله على حاله. ما زال بلاغكم هنا: يُرجى مراجعته وإرساله مجددًا.
form-token_missing = تعذّر علينا التأكد من أن هذا البلاغ مُرسَل من نموذجنا. ما زال بلاغكم هنا: يُرجى مراجعته وإرساله مجددًا.
form-rate_limited = نتلقى عددًا كبيرًا من البلاغات في الوقت الحالي. ما زال بلاغكم هنا: يُرجى الانتظار { $seconds ->
        [zero] { $seconds } ثانية
        [one] ثانية واحدة
        [two] ثانيتين
        [few] { $seconds } ثوانٍ
        [many] { $seconds } ثانية
       *[other] { $seconds } ثانية
    }، ثم إرساله مجددًا.
form-honeypot = اتركوا هذا الحقل فارغًا

api-rate_limited = أُرسل عدد كبير جدًا من البلاغات في وقت قصير؛ يُرجى المحاولة مجددًا بعد { $seconds ->
        [zero] { $seconds } ثانية
        [one] ثانية واحدة
        [two] ثانيتين
        [few] { $seconds } ثوانٍ
        [many] { $seconds } ثانية
       *[other] { $seconds } ثانية
    }.

erase-title = حذف اسمكم وبريدكم الإلكتروني من هذا البلاغ
erase-intro = أدخلوا عنوان البريد الإلكتروني الذي أرسلتموه مع البلاغ { $code }. سنرسل إلى هذا العنوان رابطًا للتأكيد، ويُحذف اسمكم وبريدكم الإلكتروني فور فتحكم الرابط وتأكيد الحذف. أما البلاغ نفسه فيبقى، ولكن من دونهما.
erase-email = عنوان بريدكم الإلكتروني
erase-submit = إرسال رابط التأكيد إلى بريدي الإلكتروني
erase-sent-title = تفقّدوا بريدكم الإلكتروني
erase-sent = إذا كان هذا العنوان هو نفسه الذي أُرسل مع البلاغ { $code }، فإن رابط التأكيد في طريقه إليه. والرابط صالح لمدة { $hours ->
        [zero] { $hours } ساعة
        [one] ساعة واحدة
        [two] ساعتين
        [few] { $hours } ساعات
        [many] { $hours } ساعة
       *[other] { $hours } ساعة
    }.
erase-confirm-title = تأكيد الحذف
erase-confirm-intro = أكّدوا أدناه لحذف اسمكم وبريدكم الإلكتروني من البلاغ { $code } الآن. بعد ذلك لن نتمكن من مراسلتكم بشأنه، لكن سيظل بإمكانكم الاطلاع على حالته باستخدام رمز التتبع.
erase-confirm-submit = حذف اسمي وبريدي الإلكتروني
erase-done-title = تم: حُذفت بياناتكم الشخصية
erase-done = لم يعد البلاغ { $code } يتضمن اسمكم ولا عنوان بريدكم الإلكتروني.
erase-invalid = هذا الرابط غير صالح أو انتهت صلاحيته. يمكنكم طلب رابط جديد من صفحة الحالة.
erase-email_invalid = يُرجى إدخال عنوان بريد إلكتروني، مثل name@example.com.
erase-link = حذف اسمي وبريدي الإلكتروني من هذا البلاغ

footer-corrections = التصحيحات والتوضيحات

corrections-title = التصحيحات والتوضيحات
corrections-intro = المقالات التي صحّحها محررونا أو أوضحوها إثر بلاغ من أحد القرّاء، مرتّبة من أحدث قرار إلى أقدمه. ويُرفع المقال من هذه القائمة إذا لم تجد فيه مراجعة لاحقة أي خطأ.
corrections-feed = موجز Atom
corrections-json = JSON
corrections-empty = لم يُنشر أي تصحيح أو توضيح حتى الآن.
corrections-no_more = لا توجد تصحيحات أقدم.
corrections-decided = تاريخ القرار:
corrections-pages = مزيد من التصحيحات
corrections-newest = الأحدث
corrections-older = تصحيحات أقدم
corrections-cursor_invalid = هذا الموضع من القائمة غير صالح. يُرجى البدء من الصفحة الأولى.
corrections-limit_invalid = يُرجى إدخال عدد صحيح من 1 إلى { $max }.
corrections-not_found = لم يُنشر أي تصحيح أو توضيح لهذا المقال.

appeal-title = الطعن في هذا القرار
appeal-intro = إذا رأيتم أن محررينا أخطؤوا، فيمكنكم أن تطلبوا منهم مرة واحدة إعادة النظر في بلاغكم. أدخلوا عنوان البريد الإلكتروني الذي أرسلتموه مع البلاغ واذكروا أسباب طلبكم.
appeal-email = عنوان بريدكم الإلكتروني
appeal-email-hint = العنوان الذي أرسلتموه مع هذا البلاغ.
appeal-reason = لماذا ينبغي أن نعيد النظر فيه؟
appeal-reason-hint = من 10 إلى 2000 حرف.
appeal-submit = إرسال الطعن
appeal-error_summary = ثمة مشكلة في طعنكم
appeal-email_mismatch = ليس هذا عنوان البريد الإلكتروني المرسل مع هذا البلاغ. يُرجى التحقق منه والمحاولة مرة أخرى.
appeal-no_email = لا يتضمن هذا البلاغ أي عنوان بريد إلكتروني (لم يُرسل عنوان أو حُذف)، ولذلك لا يمكن الطعن فيه هنا.
appeal-not_appealable = لا يجوز الطعن إلا في بلاغ لم تجد مراجعته أي خطأ.
appeal-already = سبق الطعن في هذا البلاغ، ولا يجوز الطعن في البلاغ إلا مرة واحدة.
appeal-received-title = تم استلام الطعن
appeal-received = استلمنا طعنكم في { $date }. وسيعيد أحد المحررين النظر في بلاغكم، وستعرض هذه الصفحة القرار الجديد.
appeal-decided-title = طعنكم
appeal-decided = طعنتم في القرار في { $date }. والنتيجة المعروضة أعلاه هي القرار الصادر في طعنكم، ولا يجوز الطعن في البلاغ إلا مرة واحدة.

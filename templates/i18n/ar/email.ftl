# رسائل البريد الإلكتروني التي يتلقاها المُبلِّغ: تأكيد الاستلام، والنتيجة، وتأكيد حذف البيانات.
# (Arabic, Modern Standard; same message ids and $arguments as English.)

email-ack-subject = تلقّينا بلاغكم
email-ack-greeting = شكرًا لكم على بلاغكم.
email-ack-intro = سيراجع محررونا المقال الذي أبلغتم عنه، ولا يلزمكم القيام بأي شيء آخر.
email-ack-needs_url = لم نعثر على عنوان المقال (رابطه) في رسالتكم. يُرجى الرد على هذه الرسالة مع رابط المقال حتى يتمكن محررونا من مراجعته.
email-ack-article = المقال:
email-ack-code = رمز التتبع الخاص بكم:
email-ack-status = يمكنكم الاطلاع على حالة بلاغكم في أي وقت عبر الرابط التالي:
email-ack-outcome_promised = طلبتم إعلامكم بالنتيجة: سنراسلكم بالبريد الإلكتروني عند انتهاء المراجعة.
email-ack-unsubscribe = لا ترغبون في تلقّي مزيد من الرسائل بشأن هذا البلاغ؟ يمكنكم إيقافها من هنا:
email-outcome-subject = نتيجة بلاغكم
email-outcome-intro = أنهى محررونا مراجعة المقال الذي أبلغتم عنه.
email-outcome-status = النتيجة:
email-outcome-note = ملاحظة المحررين:
email-outcome-correction = التصحيح:
email-erasure-subject = تأكيد حذف بياناتكم من البلاغ { $code }
email-erasure-intro = طلب أحدهم، ونأمل أن تكونوا أنتم، حذف اسمكم وعنوان بريدكم الإلكتروني من البلاغ { $code } المرسَل إلى { $publisher }.
email-erasure-action = لحذفهما الآن، افتحوا هذا الرابط وأكّدوا الحذف:
email-erasure-expiry = الرابط صالح لمدة { $hours ->
        [zero] { $hours } ساعة
        [one] ساعة واحدة
        [two] ساعتين
        [few] { $hours } ساعات
        [many] { $hours } ساعة
       *[other] { $hours } ساعة
    }. وإذا لم تطلبوا ذلك، فتجاهلوا هذه الرسالة، ولن يتغير شيء.

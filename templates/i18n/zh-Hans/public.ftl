# 读者在公开页面上看到的文字：举报表单及其错误提示、感谢页、状态页、删除个人数据、退订和错误页面。
# 各语言的此文件均须与英文版使用相同的消息 id 和相同的 $参数（有单元测试检查）。
# 术语：report = 举报；tracking code = 查询码；editors = 编辑；correction = 更正；clarification = 澄清；
# outcome = 审核结果；editors' note = 编辑说明。

brand-desk_name = 虚假信息举报平台

nav-label = 主导航
nav-report = 举报文章
nav-status = 查询举报
nav-skip_to_content = 跳至正文
nav-language = 页面语言

footer-privacy = 您的姓名和电子邮箱为选填项，我们仅将其用于就本次举报答复您，绝不会公开。在编辑对您的举报作出决定 { $days } 天后，我们会删除这些信息；如果您在举报状态页面申请删除并确认，我们会立即删除。

form-title = 举报虚假或误导性信息
form-intro = 请告诉我们的编辑：您认为哪篇文章有误、错在哪里、为什么。每一条举报都有专人阅读。
form-required = （必填）
form-optional = （选填）
form-submit = 提交举报
form-error_summary = 您的举报填写有误
form-error_title_prefix = 错误：
form-about_you = 关于您
form-about_you-hint = 如需匿名举报，此处各项均可留空。留下电子邮箱后，我们可以向您确认已收到举报；如果您需要，还可以告知您审核结果。
form-privacy-title = 您的举报和个人数据将如何处理
form-privacy-review = 负责该文章的编辑部门会有一位编辑阅读您的举报、核查文章，并决定是否需要更正或澄清。提交后您会获得一个查询码，可凭此跟进举报进展。
form-privacy-stored = 我们会保存文章网址、您填写的内容和您提供的链接，作为审核记录。
form-privacy-network = 为防止本表单被滥用，我们会保存一份由您的网络连接生成的编码指纹，为期 { $hash_days } 天；我们绝不保存网络地址本身。

field-article_url = 文章网址（URL）
field-article_url-hint = 请从浏览器地址栏复制，例如 https://www.example.com/world/2026/story。
field-category = 存在什么问题？
field-category-hint = 请选择最接近的一项。
field-passage = 您有异议的文字
field-passage-hint = 请复制相关的句子或段落，不超过 2000 字。
field-explanation = 为什么说它虚假或具有误导性？
field-explanation-hint = 10 至 5000 字。请尽可能准确地说明哪里有误、正确的情况是什么。
field-evidence_urls = 证据链接
field-evidence_urls-hint = 请提供能支持您说法的信息来源链接，最多 5 个。
field-evidence_urls-item = 证据链接 { $n }
field-language = 举报所用语言
field-language-hint = 即您填写举报时使用的语言；我们会尽量用这种语言答复您。
field-reporter_name = 您的姓名
field-reporter_email = 您的电子邮箱
field-reporter_email-hint = 我们会把查询码发送到这个邮箱。
field-wants_outcome = 通过电子邮件告知我审核结果（需填写电子邮箱）

category-false_claim = 说法不实
category-misleading_context = 背景或表述具有误导性
category-manipulated_media = 经过篡改的照片、视频或音频
category-fabricated_quote = 捏造或歪曲的引语
category-outdated = 把过时信息当作最新信息
category-impersonation = 冒充：冒用我们名义的虚假网站或账号
category-other = 其他问题

validation-required = 此项为必填项。
validation-length_max = 最多 { $max } 个字符。
validation-length_range = 请填写 { $min } 至 { $max } 字。
validation-too_many_evidence_urls = 最多可提供 { $max } 个链接。
validation-email = 请输入有效的电子邮箱地址，例如 name@example.com。
validation-email_needed_for_outcome = 请填写电子邮箱，以便我们告知您审核结果；或取消勾选“通过电子邮件告知我审核结果”。
validation-category = 请从所列类别中选择一项。
validation-language = 请从列表中选择一种语言。
validation-evidence_url = 每个链接都必须是以 http:// 或 https:// 开头的网址（此链接不符合：{ $value }）。
validation-invalid = 此项填写无效。
validation-article_url-empty = 请输入文章网址（URL）。
validation-article_url-too_long = 网址过长：最多 { $max } 个字符。
validation-article_url-invalid = 这似乎不是有效的网址。请从浏览器地址栏复制。
validation-article_url-scheme = 只能举报 http 或 https 网址，不支持“{ $scheme }:”。
validation-article_url-credentials = 网址中不得包含用户名或密码。
validation-article_url-not_publisher = { $host } 不是我们的网站。如有网站冒充我们，请选择“冒充”类别。

thanks-title = 谢谢您，我们已收到您的举报
thanks-intro = 我们的编辑将对这篇文章进行审核。您无需再做任何操作。
thanks-your_code = 您的查询码：
thanks-status_now = 当前状态：
thanks-keep_code = 请保存好这个查询码，凭它可随时查询举报处理状态。查询码中不含 0、O、1、I 这几个容易混淆的数字和字母，读出来也不会弄错。
thanks-status_link = 查看举报处理状态
thanks-report_another = 举报其他文章
thanks-recap = 您举报的内容
thanks-confirmation = 确认邮件
thanks-ack-emailed = 一封附有查询码的确认邮件正发往您填写的电子邮箱。如果没有收到，请检查垃圾邮件文件夹；不过，您只要有上面的查询码就足够了。
thanks-ack-no_address = 您没有填写电子邮箱，因此我们不会发送确认邮件：请记下上面的查询码。
thanks-ack-daily_cap = 这次我们没有发送确认邮件：您填写的邮箱已达到我们每日发送确认邮件的上限。您的举报已照常保存；请记下上面的查询码。
thanks-ack-undelivered = 我们未能将确认邮件发送到您填写的邮箱。您的举报已照常保存；请记下上面的查询码。
thanks-next = 后续流程
thanks-next-review = 负责这篇文章的编辑部门会有一位编辑阅读您的举报，并据此核查文章。
thanks-next-outcome_emailed = 编辑作出决定后，我们会通过电子邮件告知您审核结果，并附上编辑说明以及更正内容的链接（如有）。状态页面上也会显示审核结果。
thanks-next-outcome_on_status_page = 编辑作出决定后，状态页面会显示审核结果、编辑说明以及更正内容的链接（如有）。
thanks-response_time = 我们的编辑通常会在 { $count } 天内答复。

status-title = 举报处理状态
status-tracking_code = 查询码
status-current = 当前状态
status-article = 文章
status-category = 举报类别
status-received_at = 收到日期
status-updated_at = 最近更新
status-outcome = 审核结果
status-public_note = 编辑说明
status-correction = 更正内容：
status-not_found = 没有找到与该查询码对应的举报。请核对它与我们提供给您的查询码是否一致。
status-code_invalid = 查询码由 12 个字母和数字组成，例如 { $example }。
status-lookup-title = 查询举报处理状态
status-lookup-label = 查询码
status-lookup-hint = 即您提交举报时获得的查询码，例如 { $example }。
status-lookup-submit = 查询
status-received = 已收到
status-needs_url = 已收到——我们需要文章的网址
status-under_review = 审核中
status-corrected = 已更正
status-clarified = 已澄清
status-no_error = 已审核，未发现错误
status-duplicate = 已与此前的举报合并
status-closed = 已关闭
status-received-explanation = 您的举报正在等待负责这篇文章的编辑处理。
status-needs_url-explanation = 我们已收到您的举报，但没有找到所涉文章的网址（链接）。请回复我们的邮件并附上文章链接，编辑会为您补上。
status-under_review-explanation = 一位编辑正在核查您的举报。
status-corrected-explanation = 这篇文章已更正。感谢您帮助我们把报道做得准确无误。
status-clarified-explanation = 这篇文章已作出澄清。感谢您帮助我们把报道做得准确无误。
status-no_error-explanation = 我们的编辑审核了这篇文章，未发现错误。
status-duplicate-explanation = 另一条举报提出了相同的问题，将在该举报中一并处理。
status-closed-explanation = 这条举报已关闭。

error-not_found-title = 页面不存在
error-unavailable-title = 暂时无法访问
error-internal-title = 出错了
error-bad_request-title = 无法受理该请求
error-back_to_form = 前往举报表单
error-not_found-message = 该网址没有对应的页面。
error-unavailable-message = 服务暂时不可用，请稍后再试。
error-internal-message = 我们的系统出了问题，请稍后再试。
error-too_large-message = 您提交的内容超出了我们可接受的大小。
embed-button = 举报这篇文章

unsubscribe-title = 不再接收关于这条举报的邮件
unsubscribe-intro = 请在下方确认：确认后，您将不再收到关于举报 { $code } 的任何邮件，包括审核结果。您仍可凭查询码查询其处理状态。
unsubscribe-confirm = 停止接收邮件
unsubscribe-done-title = 已完成：您将不再收到邮件
unsubscribe-done = 我们将不再发送关于举报 { $code } 的邮件。
unsubscribe-invalid = 此链接无效。请从邮件中完整复制链接。

error-forbidden-title = 无权访问

form-too_fast = 这次提交的速度快得不像人工填写。请检查您的举报内容，然后重新提交。
form-expired = 此表单打开的时间过长，因此我们无法按原样受理。您的举报内容仍保留在页面上：请检查后重新提交。
form-token_missing = 我们无法确认这条举报来自我们的表单。您的举报内容仍保留在页面上：请检查后重新提交。
form-rate_limited = 目前我们收到的举报较多。您的举报内容仍保留在页面上：请等待 { $seconds } 秒后重新提交。
form-honeypot = 此栏请留空

api-rate_limited = 短时间内提交的举报过多，请在 { $seconds } 秒后重试。

erase-title = 从这条举报中删除您的姓名和电子邮箱
erase-intro = 请填写您提交举报 { $code } 时留下的电子邮箱。我们会向该邮箱发送一个确认链接；您打开链接并确认后，您的姓名和电子邮箱会立即删除。举报本身会保留，但不再包含这些信息。
erase-email = 您的电子邮箱
erase-submit = 通过邮件向我发送确认链接
erase-sent-title = 请查收邮件
erase-sent = 如果这正是提交举报 { $code } 时所留的邮箱，确认链接正发往该邮箱。链接在 { $hours } 小时内有效。
erase-confirm-title = 确认删除
erase-confirm-intro = 请在下方确认，立即从举报 { $code } 中删除您的姓名和电子邮箱。此后我们将无法再就此举报给您发邮件；您仍可凭查询码查询其处理状态。
erase-confirm-submit = 删除我的姓名和电子邮箱
erase-done-title = 已完成：您的个人数据已删除
erase-done = 举报 { $code } 中已不再保存您的姓名或电子邮箱。
erase-invalid = 此链接无效或已过期。请在举报状态页面重新申请。
erase-email_invalid = 请输入电子邮箱地址，例如 name@example.com。
erase-link = 从这条举报中删除我的姓名和电子邮箱

footer-corrections = 更正与澄清

corrections-title = 更正与澄清
corrections-intro = 我们的编辑根据读者举报更正或澄清过的文章，按决定时间由近及远排列。如果之后的复核未发现错误，该文章将从本列表中移除。
corrections-feed = Atom 订阅源
corrections-json = JSON
corrections-empty = 目前尚未发布任何更正或澄清。
corrections-no_more = 没有更早的更正了。
corrections-decided = 决定日期：
corrections-pages = 更多更正
corrections-newest = 最新
corrections-older = 更早的更正
corrections-cursor_invalid = 列表中的这个位置无效。请从第一页重新开始。
corrections-limit_invalid = 请填写 1 至 { $max } 之间的整数。
corrections-not_found = 这篇文章没有发布任何更正或澄清。

appeal-title = 对此决定提出申诉
appeal-intro = 如果您认为我们的编辑判断有误，可以请他们重新审核您的举报，但仅限一次。请填写您提交举报时留下的电子邮箱，并说明理由。
appeal-email = 您的电子邮箱
appeal-email-hint = 即您提交本次举报时留下的邮箱。
appeal-reason = 为什么需要重新审核？
appeal-reason-hint = 10 至 2000 字。
appeal-submit = 提交申诉
appeal-error_summary = 您的申诉填写有误
appeal-email_mismatch = 这不是本次举报所留的电子邮箱。请核对后重试。
appeal-no_email = 本次举报没有电子邮箱（提交时未留下，或已被删除），因此无法在此提出申诉。
appeal-not_appealable = 只有经审核未发现错误的举报才能提出申诉。
appeal-already = 本次举报已经申诉过；每份举报只能申诉一次。
appeal-received-title = 已收到申诉
appeal-received = 我们已于 { $date } 收到您的申诉。编辑将重新审核您的举报；新的决定会显示在本页面上。
appeal-decided-title = 您的申诉
appeal-decided = 您已于 { $date } 提出申诉。上方的处理结果即是对您申诉的决定；每份举报只能申诉一次。

# 举报人收到的邮件：收到确认、审核结果、删除个人数据确认。各语言的此文件均须与英文版使用相同的
# 消息 id 和 $参数（有单元测试检查）。术语与 public.ftl 一致。

email-ack-subject = 我们已收到您的举报
email-ack-greeting = 感谢您的举报。
email-ack-intro = 我们的编辑将对您举报的文章进行审核。您无需再做任何操作。
email-ack-needs_url = 我们在您的来信中没有找到文章的网址（链接）。请回复这封邮件并附上文章链接，以便我们的编辑进行审核。
email-ack-article = 文章：
email-ack-code = 您的查询码：
email-ack-status = 您可随时查询举报处理状态：
email-ack-outcome_promised = 您已选择接收审核结果：审核完成后，我们会通过电子邮件告知您。
email-ack-unsubscribe = 不想再收到关于这条举报的邮件？可在此退订：
email-outcome-subject = 您的举报审核结果
email-outcome-intro = 我们的编辑已完成对您所举报文章的审核。
email-outcome-status = 审核结果：
email-outcome-note = 编辑说明：
email-outcome-correction = 更正内容：
email-erasure-subject = 请确认从举报 { $code } 中删除您的数据
email-erasure-intro = 有人（希望是您本人）申请从提交给 { $publisher } 的举报 { $code } 中删除您的姓名和电子邮箱。
email-erasure-action = 如需立即删除，请打开以下链接并确认：
email-erasure-expiry = 链接在 { $hours } 小时内有效。如果您并未提出此申请，请忽略本邮件，您的信息不会有任何改动。

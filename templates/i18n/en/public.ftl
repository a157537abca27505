# What a reader sees on the public pages: the form, its errors, thank-you, status, erasure, unsubscribe
# and error pages. Every language has this file with the same message ids and the same $arguments
# (a unit test checks).

brand-desk_name = Disinformation report desk

nav-label = Main
nav-report = Report an article
nav-status = Check a report
nav-skip_to_content = Skip to content
nav-language = Language of this page

footer-privacy = Your name and email are optional. We use them only to answer you about this report and never publish them. We delete them { $days } days after our editors decide on your report, or as soon as you confirm a request to erase them, made from your report's status page.

form-title = Report false or misleading information
form-intro = Tell our editors which article you think gets something wrong, what it is, and why. Every report is read by a person.
form-required = (required)
form-optional = (optional)
form-submit = Send report
form-error_summary = There is a problem with your report
form-error_title_prefix = Error:
form-about_you = About you
form-about_you-hint = Leave these empty to report anonymously. With an email address we can confirm your report and, if you ask, tell you the outcome.
form-privacy-title = What happens to your report and your data
form-privacy-review = An editor of the desk responsible for the article reads your report, checks the article and decides whether it needs a correction or a clarification. The tracking code you get after sending lets you follow your report.
form-privacy-stored = We keep the article's address, what you write and the links you give, as the record of the review.
form-privacy-network = To protect this form from abuse we keep a coded fingerprint of your connection, never the address itself, for { $hash_days } days.

field-article_url = Address (URL) of the article
field-article_url-hint = Copy it from your browser's address bar, for example https://www.example.com/world/2026/story.
field-category = What is wrong?
field-category-hint = Choose the closest match.
field-passage = The passage you dispute
field-passage-hint = Copy the sentence or paragraph, up to 2000 characters.
field-explanation = Why is it false or misleading?
field-explanation-hint = Between 10 and 5000 characters. Say what is wrong and what is right, as precisely as you can.
field-evidence_urls = Links to evidence
field-evidence_urls-hint = Up to 5 links to sources that support what you say.
field-evidence_urls-item = Evidence link { $n }
field-language = Language of your report
field-language-hint = The language you wrote in; we answer in it when we can.
field-reporter_name = Your name
field-reporter_email = Your email address
field-reporter_email-hint = We send your tracking code here.
field-wants_outcome = Email me the outcome of the review (needs an email address)

category-false_claim = A false claim
category-misleading_context = Misleading context or framing
category-manipulated_media = A manipulated photo, video or audio
category-fabricated_quote = A made-up or distorted quote
category-outdated = Outdated information presented as current
category-impersonation = Impersonation: a fake site or account pretending to be us
category-other = Something else

validation-required = This is required.
validation-length_max = Use at most { $max } characters.
validation-length_range = Write between { $min } and { $max } characters.
validation-too_many_evidence_urls = Give at most { $max } links.
validation-email = Enter an email address like name@example.com.
validation-email_needed_for_outcome = Enter your email address so we can tell you the outcome, or untick "Email me the outcome".
validation-category = Choose one of the listed categories.
validation-language = Choose a language from the list.
validation-evidence_url = Each link must be a web address starting with http:// or https:// (this one is not: { $value }).
validation-invalid = This value is not valid.
validation-article_url-empty = Enter the address (URL) of the article.
validation-article_url-too_long = The address is too long: at most { $max } characters.
validation-article_url-invalid = This does not look like a web address. Copy it from your browser's address bar.
validation-article_url-scheme = Only http and https addresses can be reported (not "{ $scheme }:").
validation-article_url-credentials = The address must not contain a user name or password.
validation-article_url-not_publisher = { $host } is not one of our sites. If a site is pretending to be us, choose the category "Impersonation".

thanks-title = Thank you: your report has been received
thanks-intro = Our editors will review the article. You do not need to do anything else.
thanks-your_code = Your tracking code:
thanks-status_now = Status:
thanks-keep_code = Keep this code: with it you can check the status of your report at any time. It never contains 0, O, 1 or I, so it is easy to read out.
thanks-status_link = See the status of your report
thanks-report_another = Report another article
thanks-recap = What you reported
thanks-confirmation = Confirmation
thanks-ack-emailed = A confirmation with your tracking code is on its way to the email address you gave. If it does not arrive, check your spam folder; the code above is all you need.
thanks-ack-no_address = You gave no email address, so we send no confirmation: keep the tracking code above.
thanks-ack-daily_cap = We sent no confirmation this time: the address you gave already received the most confirmations we send in a day. Your report is stored all the same; keep the tracking code above.
thanks-ack-undelivered = We could not deliver a confirmation to the address you gave. Your report is stored all the same; keep the tracking code above.
thanks-next = What happens next
thanks-next-review = An editor of the desk responsible for this article reads your report and checks the article against it.
thanks-next-outcome_emailed = When they decide, we email you the outcome, with the editors' note and a link to any correction. The status page shows it too.
thanks-next-outcome_on_status_page = When they decide, the status page shows the outcome, the editors' note and a link to any correction.
thanks-response_time = { $count ->
    [one] Our editors usually respond within a day.
   *[other] Our editors usually respond within { $count } days.
}

status-title = Status of your report
status-tracking_code = Tracking code
status-current = Status
status-article = Article
status-category = Reported as
status-received_at = Date received
status-updated_at = Last update
status-outcome = The outcome
status-public_note = What the editors say
status-correction = The correction:
status-not_found = We found no report with that tracking code. Check it against the one we gave you.
status-code_invalid = A tracking code has 12 letters and digits, like { $example }.
status-lookup-title = Check the status of a report
status-lookup-label = Tracking code
status-lookup-hint = The code you got when you sent your report, like { $example }.
status-lookup-submit = Check status
status-received = Received
status-needs_url = Received — we need the article's address
status-under_review = Under review
status-corrected = Corrected
status-clarified = Clarified
status-no_error = Reviewed – no error found
status-duplicate = Merged with an earlier report
status-closed = Closed
status-received-explanation = Your report is in the queue of the editors responsible for this article.
status-needs_url-explanation = We have your report, but we could not find the address (URL) of the article it is about. Reply to our email with the article's link, and an editor will add it.
status-under_review-explanation = An editor is looking into your report.
status-corrected-explanation = The article has been corrected. Thank you for helping us get it right.
status-clarified-explanation = The article has been clarified. Thank you for helping us get it right.
status-no_error-explanation = Our editors reviewed the article and found no error.
status-duplicate-explanation = Another report raised the same point; it is handled there.
status-closed-explanation = This report has been closed.

error-not_found-title = Page not found
error-unavailable-title = Temporarily unavailable
error-internal-title = Something went wrong
error-bad_request-title = We could not accept that request
error-back_to_form = Go to the report form
error-not_found-message = There is no page at this address.
error-unavailable-message = The service is temporarily unavailable. Please try again in a moment.
error-internal-message = Something went wrong on our side. Please try again in a moment.
error-too_large-message = What you sent is larger than we accept.
embed-button = Report this article

unsubscribe-title = Stop emails about this report
unsubscribe-intro = Confirm below to stop all emails about report { $code }, including the outcome. You can still check its status with your tracking code.
unsubscribe-confirm = Stop emails
unsubscribe-done-title = Done: no more emails
unsubscribe-done = We will send no more emails about report { $code }.
unsubscribe-invalid = This link is not valid. Copy the whole link from the email.

error-forbidden-title = Not allowed

form-too_fast = That was quicker than we expected from a person. Please check your report and send it again.
form-expired = This form was open for a long time, so we could not accept it as it was. Your report is still here: please check it and send it again.
form-token_missing = We could not confirm that this report came from our form. Your report is still here: please check it and send it again.
form-rate_limited = We are receiving a lot of reports right now. Your report is still here: please wait { $seconds } seconds, then send it again.
form-honeypot = Leave this field empty

api-rate_limited = Too many reports in a short time; try again in { $seconds } seconds.

erase-title = Erase your name and email from this report
erase-intro = Give the email address you sent with report { $code }. We will email a confirmation link to that address; your name and email are erased as soon as you open it and confirm. The report itself stays, without them.
erase-email = Your email address
erase-submit = Email me the confirmation link
erase-sent-title = Check your email
erase-sent = If that address is the one sent with report { $code }, a confirmation link is on its way to it. The link is valid for { $hours } hours.
erase-confirm-title = Confirm the erasure
erase-confirm-intro = Confirm below to erase your name and email from report { $code } now. We will then no longer be able to email you about it; you can still check its status with the tracking code.
erase-confirm-submit = Erase my name and email
erase-done-title = Done: your personal data is erased
erase-done = Report { $code } no longer holds your name or email address.
erase-invalid = This link is not valid or has expired. Ask for a new one from the status page.
erase-email_invalid = Enter an email address, like name@example.com.
erase-link = Erase my name and email from this report

footer-corrections = Corrections and clarifications

corrections-title = Corrections and clarifications
corrections-intro = Articles our editors corrected or clarified after a reader's report, the most recent decision first. An article leaves this list when a later review finds no error in it.
corrections-feed = Atom feed
corrections-json = JSON
corrections-empty = No correction or clarification has been published yet.
corrections-no_more = There are no older corrections.
corrections-decided = decided on
corrections-pages = More corrections
corrections-newest = Most recent
corrections-older = Older corrections
corrections-cursor_invalid = This position in the list is not valid. Start again from the first page.
corrections-limit_invalid = Give a whole number from 1 to { $max }.
corrections-not_found = No correction or clarification has been published for this article.

appeal-title = Appeal this decision
appeal-intro = If you think our editors got it wrong, you can ask them, once, to review your report again. Give the email address you sent with the report and tell us why.
appeal-email = Your email address
appeal-email-hint = The one you gave with this report.
appeal-reason = Why should we review it again?
appeal-reason-hint = Between 10 and 2000 characters.
appeal-submit = Send my appeal
appeal-error_summary = There is a problem with your appeal
appeal-email_mismatch = This is not the email address given with this report. Check it and try again.
appeal-no_email = This report holds no email address (none was given, or it was erased), so it cannot be appealed here.
appeal-not_appealable = Only a report whose review found no error can be appealed.
appeal-already = This report has already been appealed; a report can be appealed once.
appeal-received-title = Appeal received
appeal-received = We received your appeal on { $date }. An editor will review your report again; this page will show the new decision.
appeal-decided-title = Your appeal
appeal-decided = You appealed on { $date }. The outcome above is the decision on your appeal; a report can be appealed once.

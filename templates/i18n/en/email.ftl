# The emails a reporter receives: acknowledgement, outcome, erasure confirmation. Every language has
# this file with the same message ids and $arguments (a unit test checks).

email-ack-subject = We received your report
email-ack-greeting = Thank you for your report.
email-ack-intro = Our editors will review the article you reported. You do not need to do anything else.
email-ack-needs_url = We could not find the article's address (its link) in your message. Please reply to this email with the link to the article, so that our editors can review it.
email-ack-article = Article:
email-ack-code = Your tracking code:
email-ack-status = Check the status of your report at any time:
email-ack-outcome_promised = You asked to hear the outcome: we will email you when the review is finished.
email-ack-unsubscribe = Do not want further emails about this report? Stop them here:
email-outcome-subject = The outcome of your report
email-outcome-intro = Our editors have finished reviewing the article you reported.
email-outcome-status = Outcome:
email-outcome-note = What the editors say:
email-outcome-correction = The correction:
email-erasure-subject = Confirm the erasure of your data from report { $code }
email-erasure-intro = Someone, hopefully you, asked to erase your name and email address from report { $code } sent to { $publisher }.
email-erasure-action = To erase them now, open this link and confirm:
email-erasure-expiry = The link is valid for { $hours } hours. If you did not ask for this, ignore this email: nothing changes.

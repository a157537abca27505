# The dashboard, editor API messages and editor emails: English only for now (editors work in
# English); other languages fall back to these.

error-back_to_desk = Back to the queue

email-alert-subject = { $count ->
    [one] New report: { $article }
   *[other] New report ({ $count } in all): { $article }
}
email-alert-intro = A reader reported this article.
email-alert-coalescing = Further reports on this article in the next { $minutes } minutes will reach you in one digest.
email-digest-subject = { $count ->
    [one] { $count } new report: { $article }
   *[other] { $count } new reports: { $article }
}
email-digest-intro = { $count ->
    [one] { $count } more report on this article since the first alert is still open.
   *[other] { $count } more reports on this article since the first alert are still open.
}
email-digest-left_out = { $count ->
    [one] { $count } report was already decided and is left out.
   *[other] { $count } reports were already decided and are left out.
}
email-escalation-subject = Escalation: { $count } reports in { $minutes } minutes: { $article }
email-escalation-intro = This article drew { $count } reports within { $minutes } minutes.
email-escalation-action = Please check whether it needs a correction or a statement quickly; the desk that owns it has the reports.
email-field-article = Article:
email-field-article_desk = Its reports in the dashboard:
email-field-report_desk = The report in the dashboard:
email-field-reports_so_far = Reports on it so far:
email-field-code = Tracking code:
email-field-category = Category:
email-field-language = Language:
email-field-submitted_url = Link as given:
email-field-passage = Disputed passage:
email-field-explanation = Why the reader thinks it is wrong:
email-field-evidence = Evidence:
email-assigned-subject = Assigned to you: report { $code } on { $article }
email-assigned-intro = A report has been assigned to you.
email-reader_reply-subject = The reporter replied: report { $code } on { $article }
email-reader_reply-intro = The reporter answered by email. Their reply is on the report's timeline in the dashboard (it is not copied into this email).
email-appeal-subject = Appeal: report { $code } on { $article }
email-appeal-intro = The reporter appealed the decision "Reviewed – no error found". The report is reopened: please review it again and decide.
email-appeal-next = A report can be appealed once. The appeal is on the report's timeline in the dashboard.
email-field-appealed_at = Appealed:
email-field-appealed_note = The note to the reader of the decision appealed:
email-field-appeal_reason = The reporter's reason:

desk-login-title = Sign in to the desk
desk-login-email = Email
desk-login-password = Password
desk-login-submit = Sign in
desk-login-refused = The email or the password is wrong.
desk-login-throttled = Too many failed attempts. Wait { $seconds } seconds, then try again.
desk-login-signed_out = You are signed out.
desk-logout = Sign out
desk-signed_in_as = Signed in as
desk-nav-password = Change password
desk-password-title = Change your password
desk-password-intro = A new password signs you out everywhere else and revokes your API tokens; you stay signed in here.
desk-password-current = Current password
desk-password-new = New password
desk-password-new_hint = At least 12 characters, and not one of the most common passwords. A few unrelated words make a good one.
desk-password-again = New password again
desk-password-submit = Change password
desk-password-error_summary = The password was not changed
desk-password-error-current_missing = Enter your current password.
desk-password-error-current_wrong = This is not your current password.
desk-password-error-too_short = The new password must be at least { $min } characters.
desk-password-error-too_long = The new password must be at most { $max } characters.
desk-password-error-common = This password is on the list of the most common passwords; choose another.
desk-password-error-same = The new password must differ from the current one.
desk-password-error-mismatch = The two new passwords differ; type the same one twice.
desk-password-changed = Your password is changed. Signed out elsewhere: { $sessions } session(s); API tokens revoked: { $tokens }.
desk-outbox-title = Outbox
desk-outbox-intro = Emails and webhooks that could not be delivered stay here until someone sends them again. Fix the cause first (a wrong address, the mail server's settings, the receiving endpoint), then retry.
desk-outbox-counts = Messages by state
desk-outbox-dead = Undelivered messages
desk-outbox-kind = Kind
# What an outbox message is, by its kind (report_ack, …); an unknown kind is shown as it is.
desk-outbox-kind-name = { $kind ->
    [report_ack] Acknowledgement to a reader
    [report_outcome] Outcome to a reader
    [erasure_confirm] Erasure link to a reader
    [desk_alert] Alert to a desk
    [desk_digest] Digest to a desk
    [desk_roundup] Round-up to a desk
    [escalation] Escalation
    [report_assigned] Assignment to an editor
    [article_snapshot] Fetch of an article's page
    [webhook] Webhook
    [appeal_received] Appeal to a desk
    [desk_overdue] Reminder of overdue reports
   *[other] { $kind }
}
desk-outbox-recipients = To
desk-outbox-attempts = Attempts
desk-outbox-error = Last error
desk-outbox-created = Queued
desk-outbox-retry = Retry
desk-outbox-retry_all = Retry all
desk-forbidden-admins = Only admins may manage the outbox.
desk-nav-label = Desk
desk-error_summary = Nothing was changed: correct what is marked
desk-channel-web_form = Web form
desk-channel-api = API
desk-channel-email = Email
# Reports made by `seed-demo`.
desk-channel-demo = Demo data
desk-actor-web_form = Web form
desk-actor-api = API
desk-actor-email = Email
desk-actor-system = System
desk-actor-reporter = The reporter
desk-outbox-state-pending = Pending
desk-outbox-state-sending = Sending
desk-outbox-state-sent = Sent
desk-outbox-state-dead = Undelivered
desk-outbox-state-cancelled = Cancelled
desk-outbox-none_waiting = No message is undelivered; the others are sent or cancelled.
desk-outbox-in_flight = { $count ->
    [one] No message is undelivered, but 1 is still waiting to be sent.
   *[other] No message is undelivered, but { $count } are still waiting to be sent.
}
desk-nav-queue = Queue
desk-nav-reports = Reports
desk-nav-outbox = Outbox
desk-nav-webhooks = Webhooks
desk-nav-routing = Routing rules
desk-counts-label = Reports by status
desk-counts-too-many = More than { $count } reports contain these words: too many to count by status on every page. Add words or another filter to see the counts.
desk-status-new = New
desk-status-triaged = Triaged
desk-status-investigating = Investigating
desk-status-corrected = Corrected
desk-status-clarified = Clarified
desk-status-no_error = No error
desk-status-duplicate = Duplicate
desk-status-rejected = Rejected
desk-status-reopened = Reopened
desk-sort-most = Most reports
desk-sort-newest = Newest report
desk-sort-waiting = Longest waiting
desk-filter-label = Filter reports
desk-filter-errors = Some filters could not be used
desk-filter-q = Search
desk-filter-q-hint = Every word must match, in the passage, the explanation or the article's address; case and accents do not matter (election finds Élection). End a word with * for the words it begins (refer* finds referendum). Chinese, Japanese and Korean are found inside longer text. An address (https://… or www.example.com/politics) or a path (/politics) lists the reports on those articles. Names, emails and phone numbers are not searched.
desk-search-error-no_words = Search for at least one word or number.
desk-search-error-too_many = Search for at most 16 words at once.
desk-search-error-short_prefix = Give at least two letters before a *.
desk-search-error-bad_url = This web address cannot be read: check it, or search for words instead.
desk-filter-desk = Desk
desk-filter-any_desk = Any desk
desk-filter-category = Category
desk-filter-any_category = Any category
desk-filter-assignee = Assigned to
desk-filter-assignee-anyone = Anyone
desk-filter-assignee-me = Me
desk-filter-assignee-unassigned = Nobody yet
desk-filter-language = Language
desk-filter-from = Received from
desk-filter-to = Received until
desk-filter-sort = Sort by
desk-filter-status = Status
desk-filter-status_hint = (none ticked: the open ones)
desk-filter-apply = Apply
desk-filter-clear = Clear filters
desk-queue-title = Queue
desk-queue-as_list = Show these as a list of reports
desk-queue-empty = No article has reports matching these filters.
desk-queue-article = Article
desk-queue-reports = Reports
desk-queue-total = all reports on the article
desk-queue-of_total = of { $total }
desk-queue-showing = { $total ->
    [one] { $shown } article of { $total } in this queue
   *[other] { $shown } of { $total } articles in this queue
}
desk-queue-newest = Newest report
desk-queue-waiting = Waiting since
desk-queue-desk = Desk
desk-queue-category = Category
desk-queue-all_desks = Showing your desk. Show every desk
desk-age-now = just now
desk-age-minutes = { $n } min
desk-age-hours = { $n } h
desk-age-days = { $n } d
desk-filter-more = More filters
desk-pager-label = Pages
desk-pager-first = First page
desk-pager-next = Next page
desk-pager-previous = Previous page
desk-list-title = Reports
desk-list-as_queue = Group by article
desk-list-export = Export as CSV
desk-list-empty = No report matches these filters.
desk-list-code = Tracking code
desk-list-status = Status
desk-list-assignee = Assigned to
desk-list-received = Received
desk-bulk-legend = With the selected reports
desk-bulk-move_to = Move to
desk-bulk-new_status = New status
desk-bulk-choose_status = Choose a status
desk-bulk-public_note = Note to the reader (status page and email)
desk-bulk-internal_note = Internal note
desk-bulk-correction_url = Correction URL
desk-bulk-assign_to = Assign to
desk-bulk-assignee = Assignee
desk-bulk-apply = Apply to selected
desk-bulk-select = Select
desk-bulk-none_selected = Select at least one report first.
desk-bulk-unreadable = These are not tracking codes: { $codes }. Nothing was changed.
desk-bulk-choose_action = Choose to change the status or the assignee.
desk-bulk-done = { $done } of { $total } reports changed.
desk-assign-title = Assignment
desk-assign-to = Assign to
desk-assign-me = Me
desk-assign-nobody = Nobody
desk-assign-submit = Assign
desk-note-title = Internal note
desk-note-hint = Only editors see notes; the reporter never does.
desk-note-submit = Add note
desk-decision-title = Change status
desk-decision-to = New status
desk-decision-outcome = Outcome
desk-decision-public_note = Note to the reader — shown on the status page and emailed
desk-decision-public_note_hint = Required for an outcome. Anyone with the tracking code reads it on the status page, and a reporter who asked to be told gets it by email with the correction link. Only outcomes and closings reach the reader.
desk-decision-internal_note = Internal note — editors only
desk-decision-internal_note_hint = Never shown to the reader. Rejecting or reopening needs a reason: here, or in the note to the reader.
desk-decision-correction_url = Correction or clarification URL
desk-decision-correction_url_hint = Required for corrected and clarified.
desk-decision-duplicate_of = Duplicate of (tracking code)
desk-decision-submit = Change status
desk-report-title = Report
desk-report-article_page = All reports on this article
desk-report-article = Article
desk-report-submitted_url = Address as submitted
desk-report-language = Language
desk-report-channel = Channel
desk-report-updated = Last change
desk-report-reporter = Reporter
desk-report-anonymous = Anonymous
desk-report-contact_withheld_desk = Reporter contact: visible to the { $desk } and admins.
desk-report-contact_withheld_admins = Reporter contact: visible to admins only (the report is on no desk).
desk-report-contact_reads = Who saw the reporter's contact
desk-report-contact_reads_hint = Every showing of the reporter's name or email, on this page or through the API (CSV exports are recorded per export).
desk-report-contact_reads_none = Nobody yet.
# Where a reporter's contact details were shown, by the place recorded (page, api, csv).
desk-report-contact_read-place = { $place ->
    [page] on the report page
    [api] through the editor API
    [csv] in a CSV export
   *[other] { $place }
}
desk-report-wants_outcome = wants to hear the outcome
desk-report-unsubscribed = unsubscribed from emails
desk-report-decided = Decided
desk-report-outcome_note = Note to the reader
desk-report-duplicate_of = Duplicate of
desk-report-passage = Passage
desk-report-no_passage = No passage quoted.
desk-report-explanation = What is wrong, and why
desk-report-evidence = Evidence
desk-report-moved = The report is now: { $status }.
desk-report-assigned = Assigned to { $email }.
desk-report-unassigned = The report is no longer assigned.
desk-report-noted = Note added.
desk-article-title = Article
desk-article-reports = Reports
desk-article-open = Open reports
desk-article-first = First report
desk-article-last = Latest report
desk-article-in_list = These reports as a list
desk-article-resolve_title = Resolve every open report
desk-article-resolve_hint = One outcome for all open reports on this article; each reporter who asked to be told gets it. You will see how many reports change and how many readers are emailed before anything happens.
desk-article-resolve_submit = Check and resolve all open reports
desk-article-resolved = { $count ->
    [one] { $count } report resolved; { $emailed }
   *[other] { $count } reports resolved; { $emailed }
}
desk-article-emailed = { $count ->
    [one] { $count } reader is being emailed.
   *[other] { $count } readers are being emailed.
}
desk-resolve-title = Confirm: resolve every open report
desk-resolve-reports = { $count ->
    [one] { $count } open report will become { $outcome }.
   *[other] { $count } open reports will become { $outcome }.
}
desk-resolve-emails = { $count ->
    [one] { $count } reader asked to be told and will be emailed.
   *[other] { $count } readers asked to be told and will be emailed.
}
desk-resolve-as_sent = As it will be sent
desk-resolve-confirm = { $count ->
    [one] Confirm: resolve { $count } report as { $outcome }
   *[other] Confirm: resolve { $count } reports as { $outcome }
}
desk-resolve-edit = Change the outcome or the notes
desk-resolve-cancel = Cancel
desk-resolve-changed = The article changed since you confirmed (a report arrived or was decided meanwhile). Nothing was changed: check the new counts and confirm again.
desk-resolve-nothing_open = This article has no open reports any more: nothing was changed.
desk-article-reports_title = Reports on this article
desk-article-by_status = By status
desk-article-by_category = By category
desk-article-order_hint = Open reports first (the longest waiting at the top), then decided ones, newest first.
desk-article-page = Page { $page } of { $pages }
# Article snapshots: what the article's page showed when the desk fetched it.
desk-snapshot-title = What the page showed
desk-snapshot-hint = The desk fetches the article's page when it gets its first report and when it is resolved, and keeps its main text: what readers read, and what changed since.
desk-snapshot-none = No snapshot of this page yet.
desk-snapshot-queued = A fetch of the page is waiting or under way: reload this page in a moment.
desk-snapshot-fetch_again = Fetch again
desk-snapshot-requested = A new fetch of the article's page is queued; its snapshot appears here once taken.
desk-snapshot-already_queued = A fetch of the article's page is already waiting; its snapshot appears here once taken.
desk-snapshot-no_address = These reports are waiting for their article's address: there is no page to fetch.
desk-snapshot-error = The last fetch failed ({ $time }):
desk-snapshot-as_seen = As the reader saw it
desk-snapshot-fetched = Fetched
desk-snapshot-status = HTTP status
desk-snapshot-url = Address
desk-snapshot-page_title = Page title
desk-snapshot-last_modified = Last modified
desk-snapshot-why = Why
desk-snapshot-result = Result
desk-snapshot-result-ok = Snapshot taken
desk-snapshot-reason-first_report = after the first report
desk-snapshot-reason-resolved = when the article was resolved
desk-snapshot-reason-on_demand = on request
desk-snapshot-passage_start = Reported passage:
desk-snapshot-passage_end = (end of the reported passage)
desk-snapshot-passage_found = Found in the page as fetched (marked in "What the page showed").
desk-snapshot-passage_gone = No longer in the page at the latest fetch.
desk-snapshot-passage_not_found = Not found in the page as fetched: perhaps already edited.
desk-snapshot-changed_title = Changed since the first report
desk-snapshot-changed_between = The page's text changed between { $first } and { $latest } ({ $reason }):
desk-snapshot-diff_summary = { $added }, { $removed }.
desk-snapshot-words_added = { $count ->
    [one] { $count } word added
   *[other] { $count } words added
}
desk-snapshot-words_removed = { $count ->
    [one] { $count } word removed
   *[other] { $count } words removed
}
desk-snapshot-diff_truncated = The page is long: only the beginning of each text is compared.
desk-snapshot-unchanged = Unchanged at the latest fetch ({ $time }).
desk-snapshot-history = { $count ->
    [one] { $count } fetch
   *[other] { $count } fetches, newest first
}
desk-diff-inserted_start = [added:
desk-diff-inserted_end = end of addition]
desk-diff-deleted_start = [removed:
desk-diff-deleted_end = end of removal]
desk-timeline-count = { $count ->
    [one] { $count } event
   *[other] { $count } events, newest first
}
desk-timeline-newer = Newer events
desk-timeline-older = Older events
desk-timeline-title = Timeline
desk-timeline-empty = Nothing has happened yet.
desk-event-created = Received
desk-event-status_changed = Status changed
desk-event-assigned = Assignment
desk-event-note = Note
desk-event-reader_comment = Reply by email
desk-event-address_completed = Article address completed
desk-event-acknowledgement_skipped = No acknowledgement
desk-event-personal_data_erased = Personal data erased
desk-event-appealed = Appealed by the reporter
desk-timeline-to_reader = To the reader:
desk-timeline-from_reader = Received by email:
desk-timeline-appeal_reason = The reporter's reason:
desk-timeline-internal = Internal:

decision-to_one_of = Choose the status to move the report to, one of { $statuses }.
decision-to_required = Choose the status to move the report to.
decision-public_note_required = Write the note to the reader: what the outcome means for the article. It is shown on the status page and emailed to a reporter who asked.
decision-public_note_not_sent = The reader is not told of this move: write it as an internal note.
decision-reason_required = Give the reason: as an internal note, or in the note to the reader if they should read it.
decision-note_too_long = Use at most { $max } characters.
decision-correction_url_required = Give the full http(s) address of the correction or clarification.
decision-duplicate_of_required = Give the tracking code of the earlier report.
decision-duplicate_of_self = A report cannot duplicate itself.
decision-duplicate_of_unknown = No report has that tracking code.
decision-resolve_outcome = Resolve an article as corrected, clarified or no_error.
decision-legacy_note_twice = note is the former name of public_note (or, for a move the reader is not told of, of internal_note): send one of them.

desk-routing-title = Routing: which desk gets which reports
desk-routing-intro = Rules are tried from the top: the highest priority first; on equal priority the rules from the file come before those added here, and those added here oldest first. The first rule whose conditions all match picks the desk; when none matches, the default desk gets the report. Changes apply at once, on every instance.
desk-routing-forbidden = Only admins may change routing.
desk-routing-desks = Desks
desk-routing-desks-hint = Desks and their editors' addresses are set in { $file }.
desk-routing-desk-slug = Short name
desk-routing-desk-name = Name
desk-routing-desk-editors = Alerts go to
desk-routing-desk-role = Also
desk-routing-desk-default = Default desk (no rule matched).
desk-routing-desk-escalation = Escalation desk (articles with many reports).
desk-routing-rules = Rules, in the order they are tried
desk-routing-rules-hint = Rules from the file are read-only here: change them in the file and restart. Rules added here are kept across restarts.
desk-routing-rule-priority = Priority
desk-routing-rule-when = When
desk-routing-rule-desk = Desk
desk-routing-rule-origin = Written
desk-routing-rule-actions = Actions
desk-routing-rule-edit = Edit
desk-routing-rule-delete = Delete
desk-routing-rule-read_only = Read-only
desk-routing-rule-inactive = This desk is no longer in the rules file: the rule is passed over.
desk-routing-rule-otherwise = no rule matched
desk-routing-from_file = from { $file }
desk-routing-added_by = added by { $who } on { $when }
desk-routing-changed_by = changed by { $who } on { $when }
desk-routing-ignored_rule = Stored rule { $id } is ignored: { $problem }.
desk-routing-cond-host = host is { $host }
desk-routing-cond-path = path is in { $path }
desk-routing-cond-category = category is { $category }
desk-routing-cond-language = language is { $language }
desk-routing-cond-and =  and 
desk-routing-cond-any = any report
desk-routing-add = Add a rule
desk-routing-error_summary = There is a problem with this rule
desk-routing-field-desk = Send to desk
desk-routing-field-desk-choose = Choose a desk
desk-routing-field-conditions = When the report matches all of these
desk-routing-field-conditions-hint = Fill in at least one; empty ones match anything.
desk-routing-field-host = Host
desk-routing-field-host-hint = The article's site, like www.example.com (variants such as m.example.com count as the main host).
desk-routing-field-path_prefix = Section (path prefix)
desk-routing-field-path_prefix-hint = Starts with /. Matches whole path segments: /world/ covers /world/2026/story, not /worldcup.
desk-routing-field-category = Category
desk-routing-field-category-any = Any category
desk-routing-field-language = Language
desk-routing-field-language-hint = The report's language, like de or pt-BR; de also matches de-AT.
desk-routing-field-priority = Priority
desk-routing-field-priority-hint = A whole number from -1000 to 1000; higher is tried first. Empty means 0.
desk-routing-form-add = Add the rule
desk-routing-form-save = Save the rule
desk-routing-edit-title = Edit rule { $id }
desk-routing-back = Back to routing
desk-routing-done-added = The rule was added. It applies to new reports now.
desk-routing-done-updated = The rule was saved. It applies to new reports now.
desk-routing-done-deleted = The rule was deleted. The change log below keeps what it was.
desk-routing-error-desk_required = Choose the desk that should get these reports.
desk-routing-error-desk_unknown = There is no desk called "{ $desk }". Choose one of the listed desks.
desk-routing-error-host = Enter a host name only, like www.example.com (no https://, no path).
desk-routing-error-path_slash = A section starts with /, like /world/.
desk-routing-error-path_chars = Use at most { $max } characters, with no spaces, ? or #.
desk-routing-error-category = There is no category called "{ $category }". Choose one from the list.
desk-routing-error-language = Enter a language tag like de, fr or pt-BR.
desk-routing-error-priority = Enter a whole number from { $min } to { $max }.
desk-routing-error-no_condition = Give the rule at least one condition. A rule without one would take every report; where unmatched reports go is the default desk, set in the rules file.
desk-routing-error-not_found = There is no such rule; someone may have deleted it.
desk-routing-error-from_file = This rule comes from the rules file: change it there and restart.
desk-routing-error-changed_meanwhile = Someone else changed or deleted this rule meanwhile. Reload the page and try again.
desk-routing-error-changed_meanwhile_now = { $who } changed this rule meanwhile; it is now: { $rule }. Your version is below: save it again to replace theirs.
desk-routing-error-seen = The form is out of date. Reload the page and try again.
desk-routing-test = Test a URL
desk-routing-test-hint = Where would a report on this article go now? Nothing is stored.
desk-routing-test-url = Article URL
desk-routing-test-language = Report language
desk-routing-test-submit = Test
desk-routing-test-canonical = Article (as stored)
desk-routing-test-desk = Desk
desk-routing-test-why = Why
desk-routing-test-by_rule = Rule { $position }: { $conditions } (priority { $priority }).
desk-routing-test-by_default = No rule matched: the default desk.
desk-routing-changes = Changes
desk-routing-changes-none = No changes yet.
desk-routing-changes-when = When
desk-routing-changes-who = Who
desk-routing-changes-what = What
desk-routing-change-rule = { $conditions } → { $desk } (priority { $priority })
desk-routing-change-created = Added rule { $id }: { $rule }
desk-routing-change-updated = Changed rule { $id } from { $before } to { $after }
desk-routing-change-deleted = Deleted rule { $id }: { $rule }
desk-routing-change-file_imported = The rules file was read for the first time: { $after } rules.
desk-routing-change-file_synced = The rules file changed: its { $before } rules were replaced by { $after }.
desk-status-spam = Spam
desk-status-needs_url = Needs the article address

email-roundup-subject = { $reports } reports on { $articles } more articles
email-roundup-intro = { $reports } reports arrived on { $articles } articles in the last { $minutes } minutes, beyond the alerts you already received.
email-roundup-why = Many different articles were reported at once, so they are listed together here instead of one email each.
email-roundup-more = …and { $count } more articles: see the queue.

desk-channel-phone = Phone
desk-channel-letter = Letter
desk-channel-in_person = In person
desk-filter-channel = Channel
desk-filter-any_channel = Any channel

desk-nav-new_report = Record a call or letter
desk-entry-title = Record a report taken by phone, letter or in person
desk-entry-intro = For a reader who calls the hotline, writes a letter or comes in: the report joins the same queue as the web form's, grouped with the other reports on its article and routed to its desk, and you are recorded as the one who entered it.
desk-entry-error_summary = The report was not saved: correct what is marked
desk-entry-required = (required)
desk-entry-optional = (optional)
desk-entry-channel = How it reached us
desk-entry-article_url = Article address
desk-entry-article_url-hint = The article's web address, as the reader gives it or as you find it on our site. Tracking parameters and mobile variants are folded as on the web form.
desk-entry-category = What is wrong
desk-entry-passage = The disputed passage
desk-entry-passage-hint = The words the reader disputes, as quoted by them.
desk-entry-explanation = What the reader says is wrong, and why
desk-entry-explanation-hint = In the reader's own words as far as you can: 10 to 5,000 characters.
desk-entry-evidence_urls = Evidence links the reader gave
desk-entry-evidence_urls-item = Evidence link { $n }
desk-entry-language = The reader's language
desk-entry-language-hint = Emails to the reader are in this language.
desk-entry-reader = The reader's contact details
desk-entry-reader-hint = Only with the reader's agreement. Ask: "May we keep your name and how to reach you, to tell you about this report?" If they say no, leave these empty: the report is kept without them.
desk-entry-contact_consent = The reader agreed that we keep these contact details for this report
desk-entry-reporter_name = Name
desk-entry-reporter_email = Email
desk-entry-reporter_email-hint = An acknowledgement with the tracking code goes to this address.
desk-entry-reporter_phone = Phone number
desk-entry-reporter_phone-hint = As the reader gives it, like +44 20 7946 0000.
desk-entry-wants_outcome = The reader wants the outcome emailed (needs an email)
desk-entry-submit = Save the report
desk-entry-channel_invalid = Choose how the report reached us: { $channels }.
desk-entry-phone_invalid = Give a phone number: 5 to 20 digits, with spaces, dashes, dots, slashes, brackets or a + in front (like +44 20 7946 0000).
desk-entry-phone_too_long = Use at most { $max } characters.
desk-entry-no_consent = The reader's agreement is not recorded: tick the agreement box if they agreed, or leave this empty.
desk-entry-consent_missing = Without the reader's agreement their name, email and phone number are not kept: tick this if they agreed, or empty those fields.
desk-entered-title = Report saved
desk-entered-read_aloud = Read the tracking code to the reader
desk-entered-code_label = Tracking code
desk-entered-spelled = Spelled out, group by group
desk-entered-group = Group { $n }
desk-entered-code_hint = With this code the reader can follow the report on the status page, or quote it when they call again.
desk-entered-status_page = Status page
desk-entered-article = Article
desk-entered-ack-emailed = An acknowledgement with the code is being emailed to the reader.
desk-entered-ack-no_address = No email goes to the reader: they gave no address.
desk-entered-ack-daily_cap = No acknowledgement is emailed: this address already received the most allowed in a day.
desk-entered-ack-undelivered = The acknowledgement email could not be delivered.
desk-entered-open = Open the report
desk-entered-another = Record another report
desk-spell-letter = { $letter } as in { $word }
desk-spell-digit = { $digit ->
    [2] two
    [3] three
    [4] four
    [5] five
    [6] six
    [7] seven
    [8] eight
    [9] nine
   *[other] { $digit }
}
desk-actor-phone = Phone
desk-actor-letter = Letter
desk-actor-in_person = In person
desk-report-contact_consent = The reader agreed to their contact details being kept
desk-address-title = Article address
desk-address-hint = This report arrived without a recognisable article address. Add it here: the report then joins the article's other reports, is routed to its desk and becomes New. Or close it with "Rejected".
desk-address-label = The article's address (URL)
desk-address-submit = Add the address
desk-address-completed = Address added: the report is now in the article's queue.
desk-mail-title = Received emails
desk-mail-raw = Show as received
desk-mail-purged = no longer kept
desk-nav-mail = Received email
desk-received-title = Received email
desk-received-intro = What the mail gateway (disinfo-desk ingest-mail) received, newest first: stored as a report or a reply, ignored (automatic mail, loops) or refused (too large, unreadable). Each raw message is kept { $days } days.
desk-received-none = No email has arrived yet.
desk-received-at = Received
desk-received-outcome = What became of it
desk-received-reason = Why
desk-received-size = Bytes
desk-received-report = Report
desk-received-raw = Message
# The admins' webhook page (/desk/webhooks).
desk-webhooks-title = Webhooks
desk-webhooks-intro = Other systems (your CMS, a chat room, a research partner) can hear of reports as they happen: each event is sent to the endpoints subscribed to it as a signed HTTP POST, through the outbox, with the same retries as email. Undelivered ones wait in the outbox.
desk-webhooks-forbidden = Only admins may manage webhooks.
desk-webhooks-endpoints = Endpoints
desk-webhooks-none = No endpoint is registered.
desk-webhooks-id = Id
desk-webhooks-url = Address
desk-webhooks-events = Events
desk-webhooks-data = Data
desk-webhooks-trusted = Trusted: with reporters' contact details and texts
desk-webhooks-untrusted = Without personal data
desk-webhooks-state = State
desk-webhooks-enabled = Active
desk-webhooks-disabled = Disabled
desk-webhooks-disabled_because = { $when }: { $why }
desk-webhooks-origin = Added
desk-webhooks-created_by = by { $who }, { $when }
desk-webhooks-created_by_cli = the command line
desk-webhooks-actions = Actions
desk-webhooks-enable = Enable again
desk-webhooks-remove = Remove
desk-webhooks-add = Add an endpoint
desk-webhooks-error_summary = The endpoint was not added
desk-webhooks-field-url = The endpoint's address (URL)
desk-webhooks-field-url-hint = Where the events are sent, e.g. https://cms.example.com/hooks/desk. Addresses on this server's own network are refused unless webhooks.allow_private_addresses is set.
desk-webhooks-field-url-hint_https = Where the events are sent, e.g. https://cms.example.com/hooks/desk: https only. Addresses on this server's own network are refused.
desk-webhooks-field-events = Events to send
desk-webhooks-field-trusted = Trusted: include personal data
desk-webhooks-field-trusted-hint = Only for a system of your own newsroom that may hold it: the reporter's name, email and phone number, and the texts the reader wrote (the passage, the explanation, the evidence links), which can hold personal data too. Other endpoints get none of it.
desk-webhooks-submit = Add the endpoint
desk-webhooks-docs = The events, their contents, the signature and how to check it: docs/WEBHOOKS.md.
desk-webhooks-event-report_created = a report arrived (any channel)
desk-webhooks-event-report_status_changed = a report's status changed
desk-webhooks-event-article_resolved = an article was decided as a whole
desk-webhooks-event-article_escalated = an article was escalated
desk-webhooks-created-title = Endpoint added: copy its secret now
desk-webhooks-created-text = Events for { $url } are signed with this secret. Give it to the receiving system, which checks each signature with it.
desk-webhooks-created-once = It is shown this once: it cannot be shown again. If it is lost, remove the endpoint and add it again.
desk-webhooks-secret = Signing secret
desk-webhooks-done-removed = Endpoint removed: no more events go to it.
desk-webhooks-done-enabled = Endpoint enabled again: it gets the events from now on.
desk-webhooks-error-not_found = No endpoint has that id.
desk-webhooks-error-url_required = Enter the address events are sent to.
desk-webhooks-error-url_too_long = Use an address of at most { $max } characters.
desk-webhooks-error-url_invalid = This is not a web address ({ $reason }).
desk-webhooks-error-url_refused = This address cannot receive webhooks: { $reason }.
desk-webhooks-error-events_required = Choose at least one event: { $events }.
desk-webhooks-error-event_unknown = { $event } is not an event; the events are { $events }.

## Erasing a reporter's contact details on their request made by phone, letter or in person (admins)
desk-erase-title = Erase the reporter's contact details
desk-erase-hint = When the reporter asks by phone, by letter or in person (a caller who left only a phone number cannot use the emailed link). Their name, email and phone number leave the report at once and every email to them is cancelled. This cannot be undone.
desk-erase-how = How the reporter asked
desk-erase-how_hint = For the record, without their details: e.g. "Called the hotline on 3 December and gave the tracking code."
desk-erase-submit = Erase contact details
desk-erase-how_required = Say how the reporter asked for their details to be erased.
desk-erase-how_too_long = Keep it under { $max } characters.
desk-erase-done = The reporter's contact details were erased.
desk-erase-nothing = The report held no contact details to erase.
desk-erase-admins_only = Only admins may erase a reporter's contact details.
desk-erase-event = The reporter's contact details (name, email, phone) were erased by an admin at the reporter's request: { $how }

# Response targets (src/targets): per desk, how soon a report is triaged and decided.
desk-nav-targets = Targets
desk-target-triage-overdue = Triage overdue by { $span }
desk-target-triage-due = Triage due in { $span }
desk-target-decision-overdue = Decision overdue by { $span }
desk-target-decision-due = Decision due in { $span }
desk-span-under_minute = under a minute
desk-span-minutes = { $n } min
desk-span-hours = { $n } h
desk-span-hours_minutes = { $h } h { $m } min
desk-span-days = { $n } d
desk-span-days_hours = { $d } d { $h } h
desk-queue-target = Response target
desk-list-target = Response target
desk-report-triaged = First triaged
desk-filter-overdue = Only overdue reports
desk-filter-overdue_invalid = Give overdue as true or false.
desk-targets-title = Response targets
desk-targets-intro = How soon each desk triages a report (its first move out of New) and decides it (resolved or closed). Both targets count from when the report entered the queue: received, restored from spam, or reopened. The medians measure time to triage from receipt, and time to decision from entering the queue.
desk-targets-as_of = Medians over the reports that took the step in the last { $days } days; overdue counts as of { $at }.
desk-targets-change = Change a desk's targets on the routing page.
desk-targets-triage_target = Triage target
desk-targets-triage_median = Median time to triage
desk-targets-decision_target = Decision target
desk-targets-decision_median = Median time to decision
desk-targets-overdue = Overdue now
desk-targets-overdue_counts = { $triage } triage · { $decision } decision
desk-targets-own = { $span } (this desk's own)
desk-targets-default = { $span } (default)
desk-targets-median = { $span } ({ $reports ->
    [one] { $reports } report
   *[other] { $reports } reports
})
desk-targets-no_median = No report took this step yet
desk-targets-edit-title = Response targets: { $desk }
desk-targets-edit-intro = In whole minutes (60 is an hour, 1440 a day). Leave a field empty to use the default. The decision target cannot be shorter than the triage target. Changes apply at once, on every instance, to the reports already waiting too.
desk-targets-error_summary = The targets were not saved
desk-targets-field-triage = Triage target, in minutes
desk-targets-field-triage-hint = From receipt to the first move out of New.
desk-targets-field-decision = Decision target, in minutes
desk-targets-field-decision-hint = From receipt (or reopening) to the decision: resolved or closed.
desk-targets-field-default = Empty: the default, { $minutes } minutes ({ $span }).
desk-targets-save = Save the targets
desk-targets-error-minutes = Enter a whole number of minutes from 1 to { $max }, or leave it empty for the default.
desk-targets-error-order = The decision target ({ $decision } minutes) cannot be shorter than the triage target ({ $triage } minutes).
desk-targets-error-no_desk = There is no such desk; desks are set in the rules file.
desk-routing-desk-targets = Response targets
desk-routing-desk-targets_are = Triage { $triage } · decision { $decision }
desk-routing-desk-change_targets = Change the targets of { $desk }
desk-routing-done-targets = The desk's targets were saved. They apply at once.
desk-routing-change-minutes = { $minutes } min
desk-routing-change-default = the default
desk-routing-change-targets_pair = triage { $triage }, decision { $decision }
desk-routing-change-targets = Response targets of { $desk }: { $before } → { $after }
email-overdue-subject = { $count ->
    [one] { $count } report past its response target
   *[other] { $count } reports past their response targets
}
email-overdue-intro = { $count ->
    [one] This report passed its response target and is still waiting.
   *[other] These { $count } reports passed their response targets and are still waiting.
}
email-overdue-left_out = { $count ->
    [one] { $count } more was triaged or decided since and is left out.
   *[other] { $count } more were triaged or decided since and are left out.
}
email-overdue-more = { $count ->
    [one] …and { $count } more: see the queue.
   *[other] …and { $count } more: see the queue.
}
email-overdue-queue = The desk's overdue reports in the dashboard:

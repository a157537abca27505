# Ce que le lecteur voit sur les pages publiques : formulaire, erreurs, remerciements, suivi,
# effacement, désabonnement et pages d’erreur. Traduction française de en/public.ftl
# (mêmes identifiants, mêmes $arguments). Typographie : espace insécable avant « : » et à
# l’intérieur des guillemets, espace fine insécable avant ; ? !

brand-desk_name = Service de signalement de la désinformation

nav-label = Navigation principale
nav-report = Signaler un article
nav-status = Suivre un signalement
nav-skip_to_content = Aller au contenu
nav-language = Langue de cette page

footer-privacy = { $days ->
    [one] Votre nom et votre adresse e-mail sont facultatifs. Nous ne les utilisons que pour vous répondre au sujet de ce signalement et ne les publions jamais. Nous les supprimons { $days } jour après la décision de notre rédaction sur votre signalement, ou dès que vous confirmez une demande d’effacement formulée depuis la page de suivi de votre signalement.
   *[other] Votre nom et votre adresse e-mail sont facultatifs. Nous ne les utilisons que pour vous répondre au sujet de ce signalement et ne les publions jamais. Nous les supprimons { $days } jours après la décision de notre rédaction sur votre signalement, ou dès que vous confirmez une demande d’effacement formulée depuis la page de suivi de votre signalement.
}

form-title = Signaler une information fausse ou trompeuse
form-intro = Indiquez à notre rédaction quel article comporte selon vous une erreur, en quoi elle consiste et pourquoi vous le pensez. Chaque signalement est lu par un être humain.
form-required = (obligatoire)
form-optional = (facultatif)
form-submit = Envoyer le signalement
form-error_summary = Il y a un problème dans votre signalement
form-error_title_prefix = Erreur :
form-about_you = Vos coordonnées
form-about_you-hint = Laissez ces champs vides pour faire un signalement anonyme. Si vous indiquez une adresse e-mail, nous pourrons vous confirmer la réception de votre signalement et, si vous le souhaitez, vous en communiquer le résultat.
form-privacy-title = Ce que deviennent votre signalement et vos données
form-privacy-review = Un membre de la rédaction, au sein du service dont relève l’article, lit votre signalement, vérifie l’article et décide s’il doit faire l’objet d’un rectificatif ou d’une précision. Le code de suivi qui vous est remis après l’envoi vous permet de suivre votre signalement.
form-privacy-stored = Nous conservons l’adresse de l’article, votre texte et les liens que vous fournissez, afin de garder une trace de l’examen.
form-privacy-network = { $hash_days ->
    [one] Pour protéger ce formulaire contre les abus, nous conservons pendant { $hash_days } jour une empreinte codée de votre connexion, jamais l’adresse de connexion elle-même.
   *[other] Pour protéger ce formulaire contre les abus, nous conservons pendant { $hash_days } jours une empreinte codée de votre connexion, jamais l’adresse de connexion elle-même.
}

field-article_url = Adresse (URL) de l’article
field-article_url-hint = Copiez-la depuis la barre d’adresse de votre navigateur, par exemple https://www.example.com/world/2026/story.
field-category = Quel est le problème ?
field-category-hint = Choisissez la catégorie la plus proche.
field-passage = Le passage contesté
field-passage-hint = Copiez la phrase ou le paragraphe concerné (2 000 caractères au maximum).
field-explanation = En quoi est-ce faux ou trompeur ?
field-explanation-hint = Entre 10 et 5 000 caractères. Expliquez ce qui est faux et ce qui est juste, aussi précisément que possible.
field-evidence_urls = Liens vers des sources
field-evidence_urls-hint = Jusqu’à 5 liens vers des sources qui étayent vos propos.
field-evidence_urls-item = Lien vers une source n° { $n }
field-language = Langue de votre signalement
field-language-hint = La langue dans laquelle vous avez écrit ; nous vous répondrons dans cette langue dans la mesure du possible.
field-reporter_name = Votre nom
field-reporter_email = Votre adresse e-mail
field-reporter_email-hint = Nous vous enverrons votre code de suivi à cette adresse.
field-wants_outcome = M’envoyer le résultat de l’examen par e-mail (adresse e-mail nécessaire)

category-false_claim = Une affirmation fausse
category-misleading_context = Un contexte ou une présentation trompeurs
category-manipulated_media = Une photo, une vidéo ou un enregistrement sonore manipulés
category-fabricated_quote = Une citation inventée ou déformée
category-outdated = Une information dépassée présentée comme actuelle
category-impersonation = Usurpation d’identité : un faux site ou un faux compte qui se fait passer pour nous
category-other = Autre problème

validation-required = Ce champ est obligatoire.
validation-length_max = { $max ->
    [one] Ne dépassez pas { $max } caractère.
   *[other] Ne dépassez pas { $max } caractères.
}
validation-length_range = Écrivez entre { $min } et { $max } caractères.
validation-too_many_evidence_urls = { $max ->
    [one] Indiquez { $max } lien au maximum.
   *[other] Indiquez { $max } liens au maximum.
}
validation-email = Saisissez une adresse e-mail de la forme name@example.com.
validation-email_needed_for_outcome = Saisissez votre adresse e-mail pour que nous puissions vous communiquer le résultat, ou décochez « M’envoyer le résultat de l’examen par e-mail ».
validation-category = Choisissez l’une des catégories proposées.
validation-language = Choisissez une langue dans la liste.
validation-evidence_url = Chaque lien doit être une adresse web commençant par http:// ou https:// (ce n’est pas le cas de celui-ci : { $value }).
validation-invalid = Cette valeur n’est pas valide.
validation-article_url-empty = Saisissez l’adresse (URL) de l’article.
validation-article_url-too_long = { $max ->
    [one] Cette adresse est trop longue : { $max } caractère au maximum.
   *[other] Cette adresse est trop longue : { $max } caractères au maximum.
}
validation-article_url-invalid = Cela ne ressemble pas à une adresse web. Copiez l’adresse depuis la barre d’adresse de votre navigateur.
validation-article_url-scheme = Seules les adresses http et https peuvent être signalées (et non « { $scheme }: »).
validation-article_url-credentials = L’adresse ne doit contenir ni nom d’utilisateur ni mot de passe.
validation-article_url-not_publisher = { $host } ne fait pas partie de nos sites. Si un site se fait passer pour nous, choisissez la catégorie « Usurpation d’identité ».

thanks-title = Merci : votre signalement a bien été reçu
thanks-intro = Notre rédaction va examiner l’article. Vous n’avez rien d’autre à faire.
thanks-your_code = Votre code de suivi :
thanks-status_now = État :
thanks-keep_code = Conservez ce code : il vous permet de consulter à tout moment l’état de votre signalement. Il ne contient jamais le chiffre 0, la lettre O, le chiffre 1 ni la lettre I : il se lit et se dicte donc sans risque de confusion.
thanks-status_link = Voir l’état de votre signalement
thanks-report_another = Signaler un autre article
thanks-recap = Ce que vous avez signalé
thanks-confirmation = Confirmation
thanks-ack-emailed = Nous envoyons une confirmation avec votre code de suivi à l’adresse e-mail que vous avez indiquée. Si vous ne la recevez pas, vérifiez votre dossier de courrier indésirable ; de toute façon, le code ci-dessus vous suffit.
thanks-ack-no_address = Vous n’avez pas indiqué d’adresse e-mail : nous ne vous envoyons donc pas de confirmation. Conservez le code de suivi ci-dessus.
thanks-ack-daily_cap = Nous ne vous avons pas envoyé de confirmation cette fois-ci : l’adresse que vous avez indiquée a déjà reçu le nombre maximal de confirmations que nous envoyons en une journée. Votre signalement est néanmoins bien enregistré ; conservez le code de suivi ci-dessus.
thanks-ack-undelivered = Nous n’avons pas pu faire parvenir de confirmation à l’adresse que vous avez indiquée. Votre signalement est néanmoins bien enregistré ; conservez le code de suivi ci-dessus.
thanks-next = La suite
thanks-next-review = Un membre de la rédaction, au sein du service dont relève cet article, lit votre signalement et vérifie l’article au regard de vos remarques.
thanks-next-outcome_emailed = Une fois la décision prise, nous vous en communiquons le résultat par e-mail, avec la note de la rédaction et un lien vers l’éventuel rectificatif. La page de suivi l’indique également.
thanks-next-outcome_on_status_page = Une fois la décision prise, la page de suivi en indique le résultat, avec la note de la rédaction et un lien vers l’éventuel rectificatif.
thanks-response_time = { $count ->
    [one] Notre rédaction répond généralement dans la journée.
   *[other] Notre rédaction répond généralement sous { $count } jours.
}

status-title = État de votre signalement
status-tracking_code = Code de suivi
status-current = État
status-article = Article
status-category = Type de problème signalé
status-received_at = Date de réception
status-updated_at = Dernière mise à jour
status-outcome = Résultat
status-public_note = Note de la rédaction
status-correction = Le rectificatif :
status-not_found = Aucun signalement ne correspond à ce code de suivi. Vérifiez qu’il est identique à celui que nous vous avons remis.
status-code_invalid = Un code de suivi se compose de 12 lettres et chiffres, par exemple { $example }.
status-lookup-title = Consulter l’état d’un signalement
status-lookup-label = Code de suivi
status-lookup-hint = Le code qui vous a été remis à l’envoi de votre signalement, par exemple { $example }.
status-lookup-submit = Consulter l’état
status-received = Reçu
status-needs_url = Reçu — il nous manque l’adresse de l’article
status-under_review = En cours d’examen
status-corrected = Corrigé
status-clarified = Précision apportée
status-no_error = Examiné – aucune erreur constatée
status-duplicate = Fusionné avec un signalement antérieur
status-closed = Clos
status-received-explanation = Votre signalement attend d’être traité par le service de la rédaction dont relève cet article.
status-needs_url-explanation = Nous avons bien reçu votre signalement, mais nous n’avons pas trouvé l’adresse (URL) de l’article concerné. Répondez à notre e-mail avec le lien de l’article : un membre de la rédaction l’ajoutera.
status-under_review-explanation = Un membre de la rédaction examine votre signalement.
status-corrected-explanation = L’article a été corrigé. Merci d’avoir contribué à l’exactitude de nos informations.
status-clarified-explanation = Une précision a été apportée à l’article. Merci d’avoir contribué à l’exactitude de nos informations.
status-no_error-explanation = Notre rédaction a examiné l’article et n’y a trouvé aucune erreur.
status-duplicate-explanation = Un autre signalement soulève le même point ; la question est traitée dans ce cadre.
status-closed-explanation = Ce signalement a été clos.

error-not_found-title = Page introuvable
error-unavailable-title = Service momentanément indisponible
error-internal-title = Une erreur s’est produite
error-bad_request-title = Nous n’avons pas pu accepter cette demande
error-back_to_form = Aller au formulaire de signalement
error-not_found-message = Il n’y a aucune page à cette adresse.
error-unavailable-message = Le service est momentanément indisponible. Veuillez réessayer dans quelques instants.
error-internal-message = Une erreur s’est produite de notre côté. Veuillez réessayer dans quelques instants.
error-too_large-message = Votre envoi dépasse la taille maximale que nous acceptons.
embed-button = Signaler cet article

unsubscribe-title = Ne plus recevoir d’e-mails sur ce signalement
unsubscribe-intro = Confirmez ci-dessous pour ne plus recevoir aucun e-mail concernant le signalement { $code }, y compris celui qui vous en communiquerait le résultat. Vous pourrez toujours en consulter l’état grâce à votre code de suivi.
unsubscribe-confirm = Ne plus recevoir d’e-mails
unsubscribe-done-title = C’est fait : vous ne recevrez plus d’e-mails
unsubscribe-done = Nous ne vous enverrons plus d’e-mails concernant le signalement { $code }.
unsubscribe-invalid = Ce lien n’est pas valide. Copiez le lien complet figurant dans l’e-mail.

error-forbidden-title = Accès non autorisé

form-too_fast = Ce formulaire a été rempli plus vite que ne le ferait normalement une personne. Veuillez vérifier votre signalement et l’envoyer de nouveau.
form-expired = Comme ce formulaire est resté ouvert longtemps, nous n’avons pas pu l’accepter en l’état. Votre signalement est toujours là : veuillez le vérifier et l’envoyer de nouveau.
form-token_missing = Nous n’avons pas pu vérifier que ce signalement provenait bien de notre formulaire. Votre signalement est toujours là : veuillez le vérifier et l’envoyer de nouveau.
form-rate_limited = { $seconds ->
    [one] Nous recevons actuellement de très nombreux signalements. Votre signalement est toujours là : veuillez patienter { $seconds } seconde, puis l’envoyer de nouveau.
   *[other] Nous recevons actuellement de très nombreux signalements. Votre signalement est toujours là : veuillez patienter { $seconds } secondes, puis l’envoyer de nouveau.
}
form-honeypot = Laissez ce champ vide

api-rate_limited = { $seconds ->
    [one] Trop de signalements en peu de temps ; réessayez dans { $seconds } seconde.
   *[other] Trop de signalements en peu de temps ; réessayez dans { $seconds } secondes.
}

erase-title = Effacer votre nom et votre adresse e-mail de ce signalement
erase-intro = Indiquez l’adresse e-mail que vous avez fournie avec le signalement { $code }. Nous enverrons un lien de confirmation à cette adresse ; votre nom et votre adresse e-mail seront effacés dès que vous l’aurez ouvert et aurez confirmé. Le signalement lui-même est conservé, sans ces données.
erase-email = Votre adresse e-mail
erase-submit = M’envoyer le lien de confirmation par e-mail
erase-sent-title = Consultez votre messagerie
erase-sent = { $hours ->
    [one] Si cette adresse est bien celle que vous avez fournie avec le signalement { $code }, nous y envoyons un lien de confirmation. Ce lien est valable { $hours } heure.
   *[other] Si cette adresse est bien celle que vous avez fournie avec le signalement { $code }, nous y envoyons un lien de confirmation. Ce lien est valable { $hours } heures.
}
erase-confirm-title = Confirmer l’effacement
erase-confirm-intro = Confirmez ci-dessous pour effacer dès maintenant votre nom et votre adresse e-mail du signalement { $code }. Nous ne pourrons alors plus vous écrire à son sujet ; vous pourrez toujours en consulter l’état grâce au code de suivi.
erase-confirm-submit = Effacer mon nom et mon adresse e-mail
erase-done-title = C’est fait : vos données personnelles sont effacées
erase-done = Le signalement { $code } ne contient plus ni votre nom ni votre adresse e-mail.
erase-invalid = Ce lien n’est pas valide ou a expiré. Demandez-en un nouveau depuis la page de suivi.
erase-email_invalid = Saisissez une adresse e-mail, par exemple name@example.com.
erase-link = Effacer mon nom et mon adresse e-mail de ce signalement

footer-corrections = Rectificatifs et précisions

corrections-title = Rectificatifs et précisions
corrections-intro = Les articles que notre rédaction a corrigés ou précisés à la suite d’un signalement de lecteur, de la décision la plus récente à la plus ancienne. Un article disparaît de cette liste lorsqu’un nouvel examen n’y constate aucune erreur.
corrections-feed = Flux Atom
corrections-json = JSON
corrections-empty = Aucun rectificatif ni aucune précision n’a encore été publié.
corrections-no_more = Il n’y a pas de rectificatif plus ancien.
corrections-decided = décision du
corrections-pages = Autres rectificatifs
corrections-newest = Les plus récents
corrections-older = Rectificatifs plus anciens
corrections-cursor_invalid = Cette position dans la liste n’est pas valable. Reprenez depuis la première page.
corrections-limit_invalid = Indiquez un nombre entier de 1 à { $max }.
corrections-not_found = Aucun rectificatif ni aucune précision n’a été publié pour cet article.

appeal-title = Contester cette décision
appeal-intro = Si vous estimez que notre rédaction s’est trompée, vous pouvez lui demander, une seule fois, de réexaminer votre signalement. Indiquez l’adresse e-mail que vous avez fournie avec le signalement et expliquez-nous pourquoi.
appeal-email = Votre adresse e-mail
appeal-email-hint = Celle que vous avez fournie avec ce signalement.
appeal-reason = Pourquoi devrions-nous le réexaminer ?
appeal-reason-hint = Entre 10 et 2 000 caractères.
appeal-submit = Envoyer ma contestation
appeal-error_summary = Il y a un problème dans votre contestation
appeal-email_mismatch = Ce n’est pas l’adresse e-mail fournie avec ce signalement. Vérifiez-la et réessayez.
appeal-no_email = Ce signalement ne comporte aucune adresse e-mail (aucune n’a été fournie, ou elle a été effacée) : il ne peut donc pas être contesté ici.
appeal-not_appealable = Seul un signalement dont l’examen n’a constaté aucune erreur peut être contesté.
appeal-already = Ce signalement a déjà été contesté ; un signalement ne peut être contesté qu’une fois.
appeal-received-title = Contestation reçue
appeal-received = Nous avons reçu votre contestation le { $date }. Un membre de la rédaction va réexaminer votre signalement ; cette page indiquera la nouvelle décision.
appeal-decided-title = Votre contestation
appeal-decided = Vous avez contesté la décision le { $date }. Le résultat ci-dessus est la décision rendue sur votre contestation ; un signalement ne peut être contesté qu’une fois.

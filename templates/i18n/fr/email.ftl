# Les e-mails que reçoit l’auteur d’un signalement : accusé de réception, résultat, confirmation
# d’effacement. Traduction française de en/email.ftl (mêmes identifiants, mêmes $arguments).

email-ack-subject = Nous avons bien reçu votre signalement
email-ack-greeting = Merci pour votre signalement.
email-ack-intro = Notre rédaction va examiner l’article que vous avez signalé. Vous n’avez rien d’autre à faire.
email-ack-needs_url = Nous n’avons pas trouvé l’adresse de l’article (son lien) dans votre message. Répondez à cet e-mail avec le lien de l’article afin que notre rédaction puisse l’examiner.
email-ack-article = Article :
email-ack-code = Votre code de suivi :
email-ack-status = Consultez à tout moment l’état de votre signalement :
email-ack-outcome_promised = Vous avez demandé à connaître le résultat : nous vous écrirons une fois l’examen terminé.
email-ack-unsubscribe = Vous ne souhaitez plus recevoir d’e-mails sur ce signalement ? Vous pouvez vous désabonner ici :
email-outcome-subject = Le résultat de votre signalement
email-outcome-intro = Notre rédaction a terminé l’examen de l’article que vous avez signalé.
email-outcome-status = Résultat :
email-outcome-note = Note de la rédaction :
email-outcome-correction = Le rectificatif :
email-erasure-subject = Confirmez l’effacement de vos données du signalement { $code }
email-erasure-intro = Quelqu’un (vous-même, nous l’espérons) a demandé l’effacement de votre nom et de votre adresse e-mail du signalement { $code } adressé à { $publisher }.
email-erasure-action = Pour les effacer dès maintenant, ouvrez ce lien et confirmez :
email-erasure-expiry = { $hours ->
    [one] Ce lien est valable { $hours } heure. Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : rien ne sera modifié.
   *[other] Ce lien est valable { $hours } heures. Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : rien ne sera modifié.
}

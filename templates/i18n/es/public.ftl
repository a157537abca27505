# Lo que ve el lector en las páginas públicas: el formulario, sus errores, el agradecimiento, el estado,
# el borrado de datos, la baja de los correos y las páginas de error. Mismos identificadores y mismos
# $argumentos que en inglés (lo comprueba una prueba unitaria).
# Terminología: report = aviso; tracking code = código de seguimiento; editors = editores;
# correction = corrección; clarification = aclaración; outcome = resultado. Tratamiento de usted.

brand-desk_name = Servicio de avisos sobre desinformación

nav-label = Principal
nav-report = Señalar un artículo
nav-status = Consultar un aviso
nav-skip_to_content = Ir al contenido
nav-language = Idioma de esta página

footer-privacy = { $days ->
    [one] Su nombre y su correo electrónico son opcionales. Solo los usamos para responderle sobre este aviso y nunca los publicamos. Los borramos un día después de que nuestros editores tomen una decisión sobre su aviso, o en cuanto usted confirme la solicitud de borrado que puede hacer desde la página de estado del aviso.
   *[other] Su nombre y su correo electrónico son opcionales. Solo los usamos para responderle sobre este aviso y nunca los publicamos. Los borramos { $days } días después de que nuestros editores tomen una decisión sobre su aviso, o en cuanto usted confirme la solicitud de borrado que puede hacer desde la página de estado del aviso.
}

form-title = Señalar información falsa o engañosa
form-intro = Indique a nuestros editores qué artículo cree que contiene un error, en qué consiste y por qué. Todos los avisos los lee una persona.
form-required = (obligatorio)
form-optional = (opcional)
form-submit = Enviar aviso
form-error_summary = Hay un problema con su aviso
form-error_title_prefix = Error:
form-about_you = Sus datos
form-about_you-hint = Deje estos campos en blanco si prefiere enviar el aviso de forma anónima. Si nos facilita una dirección de correo electrónico, podremos confirmarle la recepción y, si lo pide, comunicarle el resultado.
form-privacy-title = Qué ocurre con su aviso y con sus datos
form-privacy-review = Un editor de la sección responsable del artículo lee su aviso, revisa el artículo y decide si necesita una corrección o una aclaración. Con el código de seguimiento que recibirá al enviarlo podrá seguir la tramitación de su aviso.
form-privacy-stored = Conservamos la dirección del artículo, lo que usted escribe y los enlaces que aporta como registro de la revisión.
form-privacy-network = { $hash_days ->
    [one] Para proteger este formulario de usos abusivos, conservamos durante un día una huella codificada de su conexión, nunca la dirección en sí.
   *[other] Para proteger este formulario de usos abusivos, conservamos durante { $hash_days } días una huella codificada de su conexión, nunca la dirección en sí.
}

field-article_url = Dirección (URL) del artículo
field-article_url-hint = Cópiela de la barra de direcciones de su navegador; por ejemplo, https://www.example.com/world/2026/story.
field-category = ¿Cuál es el problema?
field-category-hint = Elija la opción que más se aproxime.
field-passage = El fragmento que cuestiona
field-passage-hint = Copie la frase o el párrafo (hasta 2000 caracteres).
field-explanation = ¿Por qué es falso o engañoso?
field-explanation-hint = Entre 10 y 5000 caracteres. Explique con la mayor precisión posible qué es incorrecto y qué es lo correcto.
field-evidence_urls = Enlaces a pruebas
field-evidence_urls-hint = Hasta 5 enlaces a fuentes que respalden lo que dice.
field-evidence_urls-item = Enlace a pruebas n.º { $n }
field-language = Idioma de su aviso
field-language-hint = El idioma en el que ha escrito; le responderemos en él siempre que podamos.
field-reporter_name = Su nombre
field-reporter_email = Su dirección de correo electrónico
field-reporter_email-hint = Le enviaremos a esta dirección su código de seguimiento.
field-wants_outcome = Quiero recibir el resultado de la revisión por correo electrónico (requiere una dirección de correo)

category-false_claim = Una afirmación falsa
category-misleading_context = Un contexto o un enfoque engañosos
category-manipulated_media = Una foto, un video o una grabación de audio manipulados
category-fabricated_quote = Una cita inventada o tergiversada
category-outdated = Información desactualizada presentada como actual
category-impersonation = Suplantación: un sitio web o una cuenta falsos que se hacen pasar por nosotros
category-other = Otro problema

validation-required = Este campo es obligatorio.
validation-length_max = { $max ->
    [one] Escriba como máximo un carácter.
   *[other] Escriba como máximo { $max } caracteres.
}
validation-length_range = Escriba entre { $min } y { $max } caracteres.
validation-too_many_evidence_urls = { $max ->
    [one] Indique como máximo un enlace.
   *[other] Indique como máximo { $max } enlaces.
}
validation-email = Escriba una dirección de correo electrónico, por ejemplo name@example.com.
validation-email_needed_for_outcome = Escriba su dirección de correo electrónico para que podamos comunicarle el resultado, o desmarque «Quiero recibir el resultado de la revisión por correo electrónico».
validation-category = Elija una de las categorías de la lista.
validation-language = Elija un idioma de la lista.
validation-evidence_url = Cada enlace debe ser una dirección web que empiece por http:// o https:// (este no lo es: { $value }).
validation-invalid = Este valor no es válido.
validation-article_url-empty = Escriba la dirección (URL) del artículo.
validation-article_url-too_long = { $max ->
    [one] La dirección es demasiado larga: admite como máximo un carácter.
   *[other] La dirección es demasiado larga: admite como máximo { $max } caracteres.
}
validation-article_url-invalid = Esto no parece una dirección web. Cópiela de la barra de direcciones de su navegador.
validation-article_url-scheme = Solo se pueden señalar direcciones http y https (no «{ $scheme }:»).
validation-article_url-credentials = La dirección no debe contener un nombre de usuario ni una contraseña.
validation-article_url-not_publisher = { $host } no es uno de nuestros sitios web. Si un sitio se hace pasar por nosotros, elija la categoría «Suplantación».

thanks-title = Gracias: hemos recibido su aviso
thanks-intro = Nuestros editores revisarán el artículo. No necesita hacer nada más.
thanks-your_code = Su código de seguimiento:
thanks-status_now = Estado:
thanks-keep_code = Guarde este código: con él puede consultar el estado de su aviso en cualquier momento. Nunca contiene el cero (0), la letra O, el uno (1) ni la letra I, para que pueda leerse o dictarse sin confusiones.
thanks-status_link = Ver el estado de su aviso
thanks-report_another = Señalar otro artículo
thanks-recap = Lo que nos ha señalado
thanks-confirmation = Confirmación
thanks-ack-emailed = Le hemos enviado una confirmación con su código de seguimiento a la dirección de correo electrónico que nos indicó. Si no le llega, revise la carpeta de correo no deseado; de todos modos, el código que aparece arriba es lo único que necesita.
thanks-ack-no_address = No nos ha indicado ninguna dirección de correo electrónico, así que no le enviaremos ninguna confirmación: guarde el código de seguimiento que aparece arriba.
thanks-ack-daily_cap = Esta vez no le hemos enviado ninguna confirmación: la dirección que nos indicó ya ha recibido el número máximo de confirmaciones que enviamos en un día. Su aviso ha quedado registrado igualmente; guarde el código de seguimiento que aparece arriba.
thanks-ack-undelivered = No hemos podido entregar la confirmación en la dirección que nos indicó. Su aviso ha quedado registrado igualmente; guarde el código de seguimiento que aparece arriba.
thanks-next = Qué ocurre ahora
thanks-next-review = Un editor de la sección responsable de este artículo lee su aviso y contrasta el artículo con lo que usted señala.
thanks-next-outcome_emailed = Cuando se tome una decisión, le enviaremos el resultado por correo electrónico, con la nota de los editores y, si la hay, un enlace a la corrección. También podrá consultarlo en la página de estado.
thanks-next-outcome_on_status_page = Cuando se tome una decisión, la página de estado mostrará el resultado, la nota de los editores y, si la hay, un enlace a la corrección.
thanks-response_time = { $count ->
    [one] Nuestros editores suelen responder en un plazo de un día.
   *[other] Nuestros editores suelen responder en un plazo de { $count } días.
}

status-title = Estado de su aviso
status-tracking_code = Código de seguimiento
status-current = Estado
status-article = Artículo
status-category = Motivo del aviso
status-received_at = Fecha de recepción
status-updated_at = Última actualización
status-outcome = Resultado
status-public_note = Nota de los editores
status-correction = Corrección:
status-not_found = No hemos encontrado ningún aviso con ese código de seguimiento. Compruebe que coincide con el que le dimos.
status-code_invalid = Un código de seguimiento consta de 12 letras y cifras; por ejemplo, { $example }.
status-lookup-title = Consultar el estado de un aviso
status-lookup-label = Código de seguimiento
status-lookup-hint = El código que recibió al enviar su aviso; por ejemplo, { $example }.
status-lookup-submit = Consultar el estado
status-received = Recibido
status-needs_url = Recibido: necesitamos la dirección del artículo
status-under_review = En revisión
status-corrected = Corregido
status-clarified = Aclarado
status-no_error = Revisado: no se ha encontrado ningún error
status-duplicate = Agrupado con un aviso anterior
status-closed = Cerrado
status-received-explanation = Su aviso está pendiente de revisión por parte de los editores responsables de este artículo.
status-needs_url-explanation = Hemos recibido su aviso, pero no encontramos la dirección (URL) del artículo al que se refiere. Responda a nuestro correo con el enlace del artículo y un editor la añadirá.
status-under_review-explanation = Un editor está examinando su aviso.
status-corrected-explanation = Hemos corregido el artículo. Gracias por ayudarnos a informar con exactitud.
status-clarified-explanation = Hemos añadido una aclaración al artículo. Gracias por ayudarnos a informar con exactitud.
status-no_error-explanation = Nuestros editores han revisado el artículo y no han encontrado ningún error.
status-duplicate-explanation = Otro aviso planteaba la misma cuestión; la tramitamos en ese aviso.
status-closed-explanation = Este aviso se ha cerrado.

error-not_found-title = Página no encontrada
error-unavailable-title = Servicio no disponible temporalmente
error-internal-title = Se ha producido un error
error-bad_request-title = No hemos podido aceptar esta solicitud
error-back_to_form = Ir al formulario de avisos
error-not_found-message = No existe ninguna página en esta dirección.
error-unavailable-message = El servicio no está disponible en este momento. Vuelva a intentarlo dentro de unos instantes.
error-internal-message = Se ha producido un error por nuestra parte. Vuelva a intentarlo dentro de unos instantes.
error-too_large-message = Lo que ha enviado supera el tamaño máximo que aceptamos.
embed-button = Señalar este artículo

unsubscribe-title = Dejar de recibir correos sobre este aviso
unsubscribe-intro = Confirme a continuación que desea dejar de recibir todos los correos sobre el aviso { $code }, incluido el del resultado. Podrá seguir consultando su estado con el código de seguimiento.
unsubscribe-confirm = Dejar de recibir correos
unsubscribe-done-title = Hecho: no recibirá más correos
unsubscribe-done = No le enviaremos más correos sobre el aviso { $code }.
unsubscribe-invalid = Este enlace no es válido. Copie el enlace completo que figura en el correo.

error-forbidden-title = Acceso no permitido

form-too_fast = Ha completado el formulario más rápido de lo que esperaríamos de una persona. Revise su aviso y vuelva a enviarlo.
form-expired = Este formulario ha estado abierto mucho tiempo, por lo que no hemos podido aceptarlo tal como estaba. Su aviso sigue aquí: revíselo y vuelva a enviarlo.
form-token_missing = No hemos podido confirmar que este aviso proceda de nuestro formulario. Su aviso sigue aquí: revíselo y vuelva a enviarlo.
form-rate_limited = { $seconds ->
    [one] Estamos recibiendo muchos avisos en este momento. Su aviso sigue aquí: espere un segundo y vuelva a enviarlo.
   *[other] Estamos recibiendo muchos avisos en este momento. Su aviso sigue aquí: espere { $seconds } segundos y vuelva a enviarlo.
}
form-honeypot = Deje este campo vacío

api-rate_limited = { $seconds ->
    [one] Demasiados avisos en poco tiempo; vuelva a intentarlo dentro de un segundo.
   *[other] Demasiados avisos en poco tiempo; vuelva a intentarlo dentro de { $seconds } segundos.
}

erase-title = Borrar su nombre y su correo electrónico de este aviso
erase-intro = Indique la dirección de correo electrónico que facilitó con el aviso { $code }. Le enviaremos a esa dirección un enlace de confirmación; su nombre y su correo se borrarán en cuanto lo abra y confirme el borrado. El aviso en sí se conservará, sin esos datos.
erase-email = Su dirección de correo electrónico
erase-submit = Enviarme el enlace de confirmación
erase-sent-title = Revise su correo
erase-sent = { $hours ->
    [one] Si esa es la dirección que se facilitó con el aviso { $code }, recibirá en ella un enlace de confirmación. El enlace es válido durante una hora.
   *[other] Si esa es la dirección que se facilitó con el aviso { $code }, recibirá en ella un enlace de confirmación. El enlace es válido durante { $hours } horas.
}
erase-confirm-title = Confirmar el borrado
erase-confirm-intro = Confirme a continuación que desea borrar ahora su nombre y su correo electrónico del aviso { $code }. A partir de entonces ya no podremos escribirle sobre este aviso; podrá seguir consultando su estado con el código de seguimiento.
erase-confirm-submit = Borrar mi nombre y mi correo
erase-done-title = Hecho: sus datos personales se han borrado
erase-done = El aviso { $code } ya no contiene su nombre ni su dirección de correo electrónico.
erase-invalid = Este enlace no es válido o ha caducado. Solicite uno nuevo desde la página de estado.
erase-email_invalid = Escriba una dirección de correo electrónico, por ejemplo name@example.com.
erase-link = Borrar mi nombre y mi correo de este aviso

footer-corrections = Correcciones y aclaraciones

corrections-title = Correcciones y aclaraciones
corrections-intro = Los artículos que nuestros editores han corregido o aclarado a raíz del aviso de un lector, empezando por la decisión más reciente. Un artículo sale de esta lista cuando una revisión posterior no encuentra ningún error en él.
corrections-feed = Canal Atom
corrections-json = JSON
corrections-empty = Todavía no se ha publicado ninguna corrección ni aclaración.
corrections-no_more = No hay correcciones más antiguas.
corrections-decided = decisión del
corrections-pages = Más correcciones
corrections-newest = Las más recientes
corrections-older = Correcciones anteriores
corrections-cursor_invalid = Esta posición de la lista no es válida. Vuelva a empezar desde la primera página.
corrections-limit_invalid = Indique un número entero del 1 al { $max }.
corrections-not_found = No se ha publicado ninguna corrección ni aclaración sobre este artículo.

appeal-title = Recurrir esta decisión
appeal-intro = Si cree que nuestros editores se han equivocado, puede pedirles, una sola vez, que revisen de nuevo su aviso. Indique la dirección de correo electrónico que facilitó con el aviso y explíquenos por qué.
appeal-email = Su dirección de correo electrónico
appeal-email-hint = La que facilitó con este aviso.
appeal-reason = ¿Por qué deberíamos revisarlo de nuevo?
appeal-reason-hint = Entre 10 y 2000 caracteres.
appeal-submit = Enviar mi recurso
appeal-error_summary = Hay un problema con su recurso
appeal-email_mismatch = Esta no es la dirección de correo electrónico que se facilitó con este aviso. Compruébela e inténtelo de nuevo.
appeal-no_email = Este aviso no tiene ninguna dirección de correo electrónico (no se facilitó ninguna o se borró), por lo que no puede recurrirse aquí.
appeal-not_appealable = Solo puede recurrirse un aviso cuya revisión no encontró ningún error.
appeal-already = Este aviso ya se ha recurrido; cada aviso puede recurrirse una sola vez.
appeal-received-title = Recurso recibido
appeal-received = Recibimos su recurso el { $date }. Un editor revisará de nuevo su aviso; esta página mostrará la nueva decisión.
appeal-decided-title = Su recurso
appeal-decided = Usted recurrió la decisión el { $date }. El resultado que figura arriba es la decisión sobre su recurso; cada aviso puede recurrirse una sola vez.

# Los correos que recibe quien envía un aviso: acuse de recibo, resultado y confirmación del borrado.
# Mismos identificadores y mismos $argumentos que en inglés (lo comprueba una prueba unitaria).

email-ack-subject = Hemos recibido su aviso
email-ack-greeting = Gracias por su aviso.
email-ack-intro = Nuestros editores revisarán el artículo que nos ha señalado. No necesita hacer nada más.
email-ack-needs_url = No encontramos la dirección del artículo (su enlace) en su mensaje. Responda a este correo con el enlace del artículo para que nuestros editores puedan revisarlo.
email-ack-article = Artículo:
email-ack-code = Su código de seguimiento:
email-ack-status = Puede consultar el estado de su aviso en cualquier momento:
email-ack-outcome_promised = Ha pedido que le comuniquemos el resultado: le escribiremos cuando termine la revisión.
email-ack-unsubscribe = ¿No desea recibir más correos sobre este aviso? Puede darse de baja aquí:
email-outcome-subject = Resultado de su aviso
email-outcome-intro = Nuestros editores han terminado de revisar el artículo que nos señaló.
email-outcome-status = Resultado:
email-outcome-note = Nota de los editores:
email-outcome-correction = Corrección:
email-erasure-subject = Confirme el borrado de sus datos del aviso { $code }
email-erasure-intro = Alguien, esperamos que usted, ha pedido borrar su nombre y su dirección de correo electrónico del aviso { $code } enviado a { $publisher }.
email-erasure-action = Para borrarlos ahora, abra este enlace y confirme el borrado:
email-erasure-expiry = { $hours ->
    [one] El enlace es válido durante una hora. Si no lo ha pedido usted, ignore este correo: no cambiará nada.
   *[other] El enlace es válido durante { $hours } horas. Si no lo ha pedido usted, ignore este correo: no cambiará nada.
}

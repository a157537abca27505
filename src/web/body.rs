//! Reading request bodies with our own limits and errors (actix's defaults answer in plain text).

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut, Payload};
use futures_util::StreamExt;

use crate::error::AppError;
use crate::reports::FieldErrors;

/// Checks the Content-Type's media type (parameters such as charset are ignored).
pub fn require_content_type(req: &HttpRequest, expected: &'static str) -> Result<(), AppError> {
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media_type.as_deref() == Some(expected) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType { expected })
    }
}

/// Reads the whole body, refusing more than `limit` bytes (early, when Content-Length says so).
pub async fn read_limited(
    req: &HttpRequest,
    mut payload: Payload,
    limit: usize,
) -> Result<Bytes, AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(1024).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| AppError::malformed(format!("could not read the request body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses a JSON body; a failure is a 400 that names the field where it happened.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes)).map_err(
        |error| {
            let path = error.path().to_string();
            let message = error.into_inner().to_string();
            let mut fields = FieldErrors::default();
            // serde reports an unknown field at the struct, so take its name from the message.
            let field = match message.strip_prefix("unknown field `") {
                Some(rest) => rest.split('`').next().unwrap_or_default().to_string(),
                None if path != "." => path
                    .split(['.', '['])
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                None => String::new(),
            };
            if !field.is_empty() {
                fields.add(&field, message.clone());
            }
            AppError::Malformed {
                message: format!("The request body is not valid JSON for this request: {message}"),
                fields,
            }
        },
    )
}

/// Reads and parses a JSON request body (Content-Type, size limit, field-naming errors).
pub async fn json_body<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<T, AppError> {
    require_content_type(req, "application/json")?;
    let bytes = read_limited(req, payload, limit).await?;
    parse_json(&bytes)
}

/// Reads and parses an urlencoded form body (Content-Type, size limit); a bad form is a 400.
pub async fn form_body<T: serde::de::DeserializeOwned>(
    req: &HttpRequest,
    payload: Payload,
    limit: usize,
) -> Result<T, AppError> {
    require_content_type(req, "application/x-www-form-urlencoded")?;
    let bytes = read_limited(req, payload, limit).await?;
    serde_html_form::from_bytes(&bytes)
        .map_err(|e| AppError::malformed(format!("The form could not be read: {e}")))
}

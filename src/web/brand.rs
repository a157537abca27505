//! The publisher's look on the public pages: the accent colour, served as a small stylesheet
//! (`/static/brand.css`) so that pages need no inline style and the CSP stays `style-src 'self'`.

use actix_web::{HttpResponse, web};

use crate::web::state::AppState;

/// `#rrggbb` (or `#rgb`) as red, green and blue.
pub fn parse_hex_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    let digits: Vec<u8> = match hex.len() {
        6 => (0..3)
            .map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok())
            .collect::<Option<_>>()?,
        3 => hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| (d * 17) as u8))
            .collect::<Option<_>>()?,
        _ => return None,
    };
    Some([digits[0], digits[1], digits[2]])
}

/// WCAG relative luminance of an sRGB colour.
fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// The contrast ratio of a colour with white, 1 to 21.
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    1.05 / (luminance(rgb) + 0.05)
}

/// The colour a quarter darker: buttons on hover.
fn darker(rgb: [u8; 3]) -> [u8; 3] {
    rgb.map(|c| (f64::from(c) * 0.78).round() as u8)
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

pub fn stylesheet(accent: [u8; 3]) -> String {
    format!(
        ":root {{ --accent: {}; --accent-dark: {}; }}\n",
        hex(accent),
        hex(darker(accent))
    )
}

/// `GET /static/brand.css`.
pub async fn brand_css(state: web::Data<AppState>) -> HttpResponse {
    // Validated at start; a default colour rather than no stylesheet if it ever is not.
    let accent = parse_hex_color(&state.settings.publisher.accent_color).unwrap_or([11, 92, 173]);
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(stylesheet(accent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_and_contrast_is_wcag_s() {
        assert_eq!(parse_hex_color("#0b5cad"), Some([11, 92, 173]));
        assert_eq!(parse_hex_color("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex_color("0b5cad"), None);
        assert_eq!(parse_hex_color("#0b5cag"), None);
        assert_eq!(parse_hex_color("#0b5c"), None);
        assert_eq!(parse_hex_color("#ééé"), None);
        // Known ratios: black 21:1, white 1:1, #767676 just passes AA (4.54:1).
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast_with_white([255, 255, 255]) - 1.0).abs() < 0.01);
        let grey = contrast_with_white([0x76, 0x76, 0x76]);
        assert!(grey > 4.5 && grey < 4.6, "{grey}");
        assert!(contrast_with_white([0x77, 0x77, 0x77]) < 4.5);
        assert_eq!(
            stylesheet([11, 92, 173]),
            ":root { --accent: #0b5cad; --accent-dark: #094887; }\n"
        );
    }
}

//! The accent colour: `#rrggbb`, refused below 4.5:1 on white (WCAG 2.1, 1.4.3; RGAA 3.2),
//! since it colours links and the text of buttons.

/// The least contrast an accent colour has on white.
pub const MIN_CONTRAST: f64 = 4.5;

const WHITE: [u8; 3] = [255, 255, 255];

/// `#rrggbb` (any case, spaces around allowed) as its three channels.
pub fn parse_hex(raw: &str) -> Option<[u8; 3]> {
    let hex = raw.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// `#rrggbb`, lowercase.
pub fn to_hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// Relative luminance, WCAG 2.1's definition (sRGB, threshold 0.03928).
pub fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let s = f64::from(c) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// Contrast ratio between two colours, from 1 to 21.
pub fn contrast_ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// Contrast ratio of a colour on white.
pub fn contrast_on_white(rgb: [u8; 3]) -> f64 {
    contrast_ratio(rgb, WHITE)
}

/// A ratio as French writes it, to two decimals: `4,48:1`, `3,2:1`; a ratio below 4.5 is
/// never shown as `4,5:1`.
pub fn french_ratio(ratio: f64) -> String {
    let mut shown = (ratio * 100.0).round() / 100.0;
    if ratio < MIN_CONTRAST && shown >= MIN_CONTRAST {
        shown = MIN_CONTRAST - 0.01;
    }
    let text = format!("{shown:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{}:1", text.replace('.', ","))
}

/// Checks an accent colour; returns it as `#rrggbb`, lowercase. The refusal names the field
/// and, below the threshold, shows the contrast.
pub fn check_accent(raw: &str) -> Result<String, String> {
    let Some(rgb) = parse_hex(raw) else {
        return Err(format!(
            "Couleur d'accent : « {} » n'est pas une couleur écrite #rrggbb (par exemple #0b5e57).",
            raw.trim()
        ));
    };
    let ratio = contrast_on_white(rgb);
    if ratio < MIN_CONTRAST {
        return Err(format!(
            "Couleur d'accent : {} a un contraste de {} sur fond blanc, il faut au moins 4,5:1 pour que liens et boutons se lisent (RGAA 3.2) ; choisissez une teinte plus foncée.",
            to_hex(rgb),
            french_ratio(ratio)
        ));
    }
    Ok(to_hex(rgb))
}

/// The shades the stylesheet derives from an accepted accent colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    /// The accent itself (`--color-primary`).
    pub primary: String,
    /// Darker, for hovered links and buttons (`--color-primary-hover`): more contrast still.
    pub hover: String,
    /// A pale background (`--color-primary-tint`) on which the accent keeps 4.5:1.
    pub tint: String,
}

/// The palette of an accent colour already checked by [`check_accent`].
pub fn palette(accent: &str) -> Option<Palette> {
    let rgb = parse_hex(accent)?;
    let hover = rgb.map(|c| (f64::from(c) * 0.72).round() as u8);
    // The palest mix of the accent into white whose contrast with the accent stays 4.5:1.
    let tint = [10u32, 8, 6, 4, 2, 0]
        .into_iter()
        .map(|percent| rgb.map(|c| ((u32::from(c) * percent + 255 * (100 - percent)) as f64 / 100.0).round() as u8))
        .find(|tint| contrast_ratio(rgb, *tint) >= MIN_CONTRAST)
        .unwrap_or(WHITE);
    Some(Palette { primary: to_hex(rgb), hover: to_hex(hover), tint: to_hex(tint) })
}

/// The stylesheet a consultation's pages load after `essaim.css`: its palette as the theme's
/// custom properties. Built from checked `#rrggbb` values only, so nothing can be injected.
pub fn stylesheet(accent: &str) -> String {
    match palette(accent) {
        Some(p) => format!(
            ":root {{\n  --color-primary: {};\n  --color-primary-hover: {};\n  --color-primary-tint: {};\n}}\n",
            p.primary, p.hover, p.tint
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag_on_known_pairs() {
        assert!((contrast_on_white([0, 0, 0]) - 21.0).abs() < 1e-9);
        assert!((contrast_on_white([255, 255, 255]) - 1.0).abs() < 1e-9);
        let grey_76 = contrast_on_white(parse_hex("#767676").unwrap());
        assert!((grey_76 - 4.54).abs() < 0.005, "{grey_76}");
        let grey_77 = contrast_on_white(parse_hex("#777777").unwrap());
        assert!((grey_77 - 4.48).abs() < 0.005, "{grey_77}");
        // The stylesheet's own figures (essaim.css).
        assert_eq!(french_ratio(contrast_on_white(parse_hex("#0b5e57").unwrap())), "7,63:1");
        assert_eq!(french_ratio(contrast_on_white(parse_hex("#b3261e").unwrap())), "6,54:1");
        assert_eq!(french_ratio(4.4999), "4,49:1");
    }

    #[test]
    fn an_accent_below_four_and_a_half_is_refused_with_its_ratio() {
        assert_eq!(check_accent(" #767676 ").unwrap(), "#767676");
        assert_eq!(check_accent("#0B5E57").unwrap(), "#0b5e57");
        let refused = check_accent("#777777").unwrap_err();
        assert!(refused.starts_with("Couleur d'accent"), "{refused}");
        assert!(refused.contains("4,48:1 sur fond blanc, il faut au moins 4,5:1"), "{refused}");
        let yellow = check_accent("#ffcc00").unwrap_err();
        assert!(yellow.contains("1,51:1"), "{yellow}");
        for bad in ["red", "#fff", "#12345g", "0b5e57", "#0b5e57;}body{display:none", ""] {
            assert!(check_accent(bad).unwrap_err().contains("#rrggbb"), "{bad}");
        }
    }

    #[test]
    fn the_palette_keeps_the_contrasts() {
        for accent in ["#767676", "#0b5e57", "#b3261e", "#000000", "#1d4ed8"] {
            let p = palette(accent).unwrap();
            let rgb = parse_hex(accent).unwrap();
            assert!(contrast_on_white(parse_hex(&p.hover).unwrap()) >= contrast_on_white(rgb));
            assert!(contrast_ratio(rgb, parse_hex(&p.tint).unwrap()) >= MIN_CONTRAST, "{accent} on {}", p.tint);
        }
        assert!(stylesheet("#0b5e57").contains("--color-primary: #0b5e57;"));
        assert_eq!(stylesheet("x;}"), "");
    }
}

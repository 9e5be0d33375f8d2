//! Text on maps and charts: one embedded font, and Persian and Arabic shaped for bitmaps.
//!
//! plotters' `ab_glyph` backend looks up no system font, so the font is compiled in:
//! DejaVu Sans (`assets/fonts/`), which covers Latin and the Arabic script. SVG text is written in
//! logical order and left to the viewer, which shapes it; a bitmap is drawn glyph by glyph, left
//! to right, with no shaping, so [`TextMode::Bitmap`] first turns letters into their joined
//! presentation forms (`ar-reshaper`) and then into visual order (`unicode-bidi`).

use crate::{Error, Result};
use ar_reshaper::ArabicReshaper;
use ar_reshaper::prelude::{LigatureNames, ReshaperConfig};
use plotters::style::{FontStyle, register_font};
use std::borrow::Cow;
use std::sync::OnceLock;
use unicode_bidi::{BidiInfo, ParagraphBidiInfo};

/// The embedded font, also embedded in `report.html` so its tables render the same names.
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family name every map and chart asks plotters for.
pub const FAMILY: &str = "sans-serif";

/// Registers [`FONT`] with plotters, once per process; drawing text before this fails.
pub fn register() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(Error::Render("the embedded font could not be read".into()))
    }
}

/// How a drawing backend wants its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    /// Logical order, unshaped: the SVG viewer shapes and orders it.
    Svg,
    /// Shaped presentation forms in visual order, for glyph-by-glyph rasterising.
    Bitmap,
}

impl TextMode {
    /// `text` as this backend should receive it.
    pub fn prepare<'a>(self, text: &'a str) -> Cow<'a, str> {
        match self {
            TextMode::Svg => Cow::Borrowed(text),
            TextMode::Bitmap if text.is_ascii() => Cow::Borrowed(text),
            TextMode::Bitmap => Cow::Owned(visual(text)),
        }
    }
}

/// Joined letter forms in left-to-right drawing order, brackets mirrored inside right-to-left
/// runs. The Allah ligature is left out because the font has no glyph for it; the lam-alef
/// ligatures it has are kept.
fn visual(text: &str) -> String {
    static RESHAPER: OnceLock<ArabicReshaper> = OnceLock::new();
    let reshaper = RESHAPER.get_or_init(|| {
        let mut config = ReshaperConfig::default();
        config.update_ligature(LigatureNames::ARABIC_LIGATURE_ALLAH, false);
        ArabicReshaper::new(config)
    });
    // Labels are one line: a line break would only end up as a box in the bitmap.
    let shaped = reshaper.reshape(text).replace(['\n', '\r'], " ");
    let bidi = ParagraphBidiInfo::new(&shaped, None);
    let levels = bidi.reordered_levels_per_char(0..shaped.len());
    let chars: Vec<char> = shaped.chars().collect();
    BidiInfo::reorder_visual(&levels)
        .into_iter()
        .map(|i| {
            if levels[i].is_rtl() {
                mirrored(chars[i])
            } else {
                chars[i]
            }
        })
        .collect()
}

/// The Unicode mirror image of the paired punctuation that names use (`BidiMirroring.txt`).
fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::{Font, FontRef};

    #[test]
    fn latin_text_is_left_alone() {
        assert_eq!(TextMode::Bitmap.prepare("Centres (km)"), "Centres (km)");
        assert_eq!(TextMode::Svg.prepare("محله لاله"), "محله لاله");
    }

    #[test]
    fn persian_is_joined_and_reversed_for_bitmaps() {
        // «سلام» is seen, left to right, as an isolated mim (alef never joins the next letter), the
        // final lam-alef ligature and an initial sin.
        assert_eq!(TextMode::Bitmap.prepare("سلام"), "\u{FEE1}\u{FEFC}\u{FEB3}");
        // Digits stay left to right inside right-to-left text.
        let shaped = TextMode::Bitmap.prepare("روستای بهار 2");
        assert!(shaped.starts_with('2'), "{shaped}");
        // Brackets around right-to-left text are mirrored, so they still open on its right.
        let shaped = TextMode::Bitmap.prepare("شهرک (فاز 2)");
        assert!(shaped.starts_with("(2 "), "{shaped}");
        assert!(shaped.contains(") "), "{shaped}");
    }

    #[test]
    fn the_font_has_a_glyph_for_every_shaped_letter_of_persian_names() {
        let font = FontRef::try_from_slice(FONT).expect("the embedded font parses");
        let names = "محله نخلستان روستای گلستان چهارراه ژاله پیروزی کوی شهید بهشتی الله‌آباد";
        for c in TextMode::Bitmap.prepare(names).chars() {
            assert!(
                c == '\u{200C}' || c == ' ' || font.glyph_id(c).0 != 0,
                "no glyph for U+{:04X}",
                c as u32
            );
        }
    }
}

//! Documents people read, whatever the module that writes them: a [`Document`] is a title, a
//! language and a list of [`Block`]s in reading order, and [`render`] turns it into ODT, DOCX,
//! PDF, HTML or Markdown. Every format is a rendering of the same blocks, so they cannot drift
//! apart: the draft strategy of the synthesis, later the workshop reports and the published
//! strategy.
//!
//! Layout rules every paginated format keeps: each level-1 part starts a page except the first
//! (which follows the title); headings stay with the lines that follow; short quotes and list
//! items are not split across pages; a chart stays with the table of its figures; long tables
//! continue on the next page with their header row repeated.
//!
//! Also here, because every renderer needs them and so do the modules' own exports: one XML
//! escaper ([`xml`]), one chart drawer ([`charts`]), French figures ([`numbers`]), cells a
//! spreadsheet will not run as formulas ([`spreadsheet`]), open data as a Data Package
//! ([`datapackage`]) and atomic file writing ([`files`]).

pub mod charts;
pub mod datapackage;
mod docx;
pub mod files;
pub mod fonts;
mod html;
mod markdown;
pub mod numbers;
mod odt;
mod pdf;
pub mod spreadsheet;
mod table;
mod text;
pub mod xml;

use std::path::PathBuf;

/// A document: what it is called, its language and its content in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The title, for the file's metadata (PDF and DOCX properties, the HTML `<title>`, the
    /// PDF page footer). The visible title is the [`Block::Title`] among the blocks.
    pub title: String,
    /// The language, as a BCP 47 tag: `"fr-FR"`. HTML gets its primary subtag (`fr`).
    pub language: String,
    /// The content.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document in French (`fr-FR`) with this title, its blocks to be pushed.
    pub fn new(title: impl Into<String>) -> Document {
        Document { title: title.into(), language: "fr-FR".to_owned(), blocks: Vec::new() }
    }
}

/// One piece of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The document's visible title (once, first).
    Title(String),
    /// A heading; level 1 starts a part (a new page in print, except the first part).
    Heading {
        /// 1 to 3; 0 is read as 1 and anything above 3 as 3.
        level: u8,
        /// The heading's text.
        text: String,
    },
    /// Body text.
    Paragraph(String),
    /// A quote, with its reference inside the text.
    Quote(String),
    /// A bulleted list, one string per item.
    List(Vec<String>),
    /// A table with one header row. Rows shorter than the widest row or the header get empty
    /// cells; a table with no column at all is left out.
    Table {
        /// Caption and accessible name.
        name: String,
        /// The column headers.
        header: Vec<String>,
        /// The rows, one string per cell.
        rows: Vec<Vec<String>>,
    },
    /// A cover page: the visible title and what identifies the document (who made it, when,
    /// which version). The first level-1 part then starts a page of its own. Use it instead of
    /// [`Block::Title`], first.
    Cover {
        /// The visible title.
        title: String,
        /// A line under it (e.g. « Projet de stratégie régionale de l'ESS »); may be empty.
        subtitle: String,
        /// Lines below, each on its own: organisers, date, version.
        details: Vec<String>,
    },
    /// A table of contents: the level-1 and level-2 headings that follow it, in order, with
    /// their page in PDF (the other formats have no fixed pages: the entries alone; HTML links
    /// them).
    Contents,
    /// A picture made of dark and light squares, such as a QR code: drawn as squares in PDF
    /// (crisp at any zoom, so a phone reads it from paper), as SVG or PNG elsewhere.
    Image(Picture),
    /// A horizontal bar chart. Its figures must also be given as a table that follows it (the
    /// chart is a picture; the table is what every reader can read). Beyond
    /// [`charts::MAX_BARS`] bars, the first ones are drawn and the rest summed into one
    /// "autres" bar ([`charts::chart_bars`]), so give them largest first.
    Chart {
        /// Title and text alternative.
        title: String,
        /// The bars (label, value), in the order to draw them.
        bars: Vec<(String, usize)>,
    },
}

/// A square picture of dark and light modules (a QR code), row by row from the top left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Text alternative (what the picture says: « Code QR de l'adresse … »).
    pub alt: String,
    /// Printed width, in millimetres.
    pub width_mm: u32,
    /// Modules per side.
    pub side: usize,
    /// `side × side` modules, true for dark, row by row.
    pub dark: Vec<bool>,
}

impl Picture {
    /// Whether the module at column `x`, row `y` is dark (outside is light).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.side && y < self.side && self.dark.get(y * self.side + x).copied().unwrap_or(false)
    }

    /// The picture as an SVG element, one unit per module, each dark run of a row one rectangle.
    pub fn svg(&self) -> String {
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {s} {s}\" width=\"{w}mm\" height=\"{w}mm\" shape-rendering=\"crispEdges\"><rect width=\"{s}\" height=\"{s}\" fill=\"#fff\"/>",
            s = self.side,
            w = self.width_mm
        );
        for (y, x, run) in self.dark_runs() {
            out.push_str(&format!("<rect x=\"{x}\" y=\"{y}\" width=\"{run}\" height=\"1\"/>"));
        }
        out.push_str("</svg>");
        out
    }

    /// Each horizontal run of dark modules: (row, first column, length).
    pub(crate) fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.side {
            let mut x = 0;
            while x < self.side {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.side && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((y, start, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }

    /// The picture as a PNG, `scale` pixels per module (for DOCX). Deterministic.
    pub(crate) fn png(&self, scale: u32) -> Result<Vec<u8>, DocumentError> {
        let error = |reason: String| DocumentError::Chart { title: self.alt.clone(), reason };
        let size = u32::try_from(self.side).map_err(|e| error(e.to_string()))?.max(1) * scale;
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size, size).ok_or_else(|| error("taille invalide".into()))?;
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        let mut paint = resvg::tiny_skia::Paint::default();
        paint.set_color(resvg::tiny_skia::Color::BLACK);
        for (y, x, run) in self.dark_runs() {
            let rect = resvg::tiny_skia::Rect::from_xywh(
                (x as u32 * scale) as f32,
                (y as u32 * scale) as f32,
                (run as u32 * scale) as f32,
                scale as f32,
            );
            if let Some(rect) = rect {
                pixmap.fill_rect(rect, &paint, resvg::tiny_skia::Transform::identity(), None);
            }
        }
        pixmap.encode_png().map_err(|e| error(e.to_string()))
    }
}

/// The entries of a table of contents placed at `blocks[at]`: the level-1 and level-2
/// headings after it.
pub(crate) fn contents_entries(blocks: &[Block], at: usize) -> Vec<(u8, &str)> {
    blocks[at..]
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text } if heading_level(*level) <= 2 => {
                Some((heading_level(*level), text.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// The heading over a table of contents.
pub(crate) const CONTENTS_TITLE: &str = "Sommaire";

/// A heading level as the renderers use it: 1 to 3.
pub(crate) fn heading_level(level: u8) -> u8 {
    level.clamp(1, 3)
}

/// Document formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OpenDocument text, for editing in LibreOffice (and Word).
    Odt,
    /// Word document, for editing in Word (and LibreOffice).
    Docx,
    /// Tagged PDF (PDF/UA-1), for publication.
    Pdf,
    /// One standalone, accessible HTML page, for reading on screen and printing.
    Html,
    /// Markdown (CommonMark), readable as text and convertible by any tool.
    Markdown,
}

impl Format {
    /// Every format, in the order above.
    pub const ALL: [Format; 5] = [Format::Odt, Format::Docx, Format::Pdf, Format::Html, Format::Markdown];

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Odt => "odt",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }

    /// The media type, with the charset for text formats.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
        }
    }
}

/// Why a document could not be rendered or written. Messages are in French: they reach staff.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The zip package of an ODT or DOCX could not be written.
    #[error("{format} : paquet zip : {reason}")]
    Package {
        /// `ODT` or `DOCX`.
        format: &'static str,
        /// What the zip writer said.
        reason: String,
    },
    /// A chart picture could not be drawn.
    #[error("graphique « {title} » : {reason}")]
    Chart {
        /// The chart's title.
        title: String,
        /// What went wrong.
        reason: String,
    },
    /// A built-in font could not be read (a broken build, never a document's fault).
    #[error("police intégrée : {0}")]
    Font(String),
    /// The PDF could not be written, or failed its PDF/UA-1 checks.
    #[error("PDF : {0}")]
    Pdf(String),
    /// A file could not be written.
    #[error("écriture de {} : {source}", path.display())]
    Write {
        /// The file that was to be written.
        path: PathBuf,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
}

/// The document in `format`, as bytes (UTF-8 for HTML and Markdown). Deterministic: the same
/// document gives the same bytes (no date, fixed zip timestamps).
pub fn render(document: &Document, format: Format) -> Result<Vec<u8>, DocumentError> {
    match format {
        Format::Odt => odt::render(document),
        Format::Docx => docx::render(document),
        Format::Pdf => pdf::render(document),
        Format::Html => Ok(html::render(document).into_bytes()),
        Format::Markdown => Ok(markdown::render(document).into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_name_their_extension_and_media_type() {
        let extensions: Vec<&str> = Format::ALL.iter().map(|f| f.extension()).collect();
        assert_eq!(extensions, ["odt", "docx", "pdf", "html", "md"]);
        assert_eq!(Format::Pdf.content_type(), "application/pdf");
        assert_eq!(Format::Markdown.content_type(), "text/markdown; charset=utf-8");
        assert!(Format::Docx.content_type().ends_with("wordprocessingml.document"));
    }

    #[test]
    fn a_new_document_is_french_and_empty() {
        let document = Document::new("Compte rendu");
        assert_eq!(document.language, "fr-FR");
        assert_eq!(document.title, "Compte rendu");
        assert!(document.blocks.is_empty());
        assert_eq!(heading_level(0), 1);
        assert_eq!(heading_level(2), 2);
        assert_eq!(heading_level(9), 3);
    }

    #[test]
    fn errors_read_in_french() {
        let error = DocumentError::Write {
            path: PathBuf::from("/tmp/x.pdf"),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "refusé"),
        };
        assert_eq!(error.to_string(), "écriture de /tmp/x.pdf : refusé");
        let error = DocumentError::Chart { title: "Par canal".into(), reason: "taille invalide".into() };
        assert_eq!(error.to_string(), "graphique « Par canal » : taille invalide");
    }

    #[test]
    fn every_format_renders_an_empty_document() {
        let document = Document::new("Vide");
        for format in Format::ALL {
            let bytes = render(&document, format).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            // Markdown has nothing to say of no block; every other format is a whole file.
            assert_eq!(bytes.is_empty(), format == Format::Markdown, "{format:?}");
        }
    }
}

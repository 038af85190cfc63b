//! OpenDocument text (`.odt`): opens and edits in LibreOffice and Word, headings as real
//! heading styles (navigation, table of contents), tables with a caption, header rows and
//! columns sized by their content, charts as SVG pictures with a title and a description, the
//! title and language in the metadata. Written with fixed zip timestamps, so the same document
//! gives the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::charts::{bar_chart_size, bar_chart_svg, text_alternative};
use crate::table::Grid;
use crate::text::Metrics;
use crate::xml::escape as xml;
use crate::{contents_entries, heading_level, Block, Document, DocumentError, Picture, CONTENTS_TITLE};

/// Tables of this many rows or fewer are kept on one page.
const SHORT_TABLE: usize = 15;
/// Width of the tables, in cm (the text width is 17 cm).
const TABLE_WIDTH_CM: f32 = 16.0;

/// `fo:language` and `fo:country` of a BCP 47 tag ("fr-FR" → `fr`, `FR`).
fn language_attributes(language: &str) -> String {
    let mut parts = language.split('-');
    let lang = parts.next().filter(|l| !l.is_empty()).unwrap_or("fr");
    match parts.next().filter(|c| c.len() == 2) {
        Some(country) => format!("fo:language=\"{}\" fo:country=\"{}\"", xml(lang), xml(country)),
        None => format!("fo:language=\"{}\"", xml(lang)),
    }
}

fn styles(language: &str) -> String {
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="11pt" {}/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.25cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold" fo:color="#0b5e57"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" style:class="chapter"><style:text-properties fo:font-size="20pt"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1" style:class="text"><style:paragraph-properties fo:break-before="page"/><style:text-properties fo:font-size="16pt"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2" style:class="text"><style:text-properties fo:font-size="13pt"/></style:style>
<style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="3" style:class="text"><style:text-properties fo:font-size="11.5pt"/></style:style>
<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:paragraph-properties fo:margin-left="0.8cm" fo:margin-right="0.8cm" fo:keep-together="always"/><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="List_20_Contents" style:display-name="List Contents" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="list"><style:paragraph-properties fo:keep-together="always"/></style:style>
<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:margin-top="0.2cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="10pt" fo:font-weight="bold" fo:color="#0b5e57"/></style:style>
<style:style style:name="Figure" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:keep-with-next="always"/></style:style>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
<style:style style:name="Table_20_Heading_20_Figure" style:display-name="Table Heading Figure" style:family="paragraph" style:parent-style-name="Table_20_Heading" style:class="extra"><style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Table_20_Figure" style:display-name="Table Figure" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter"><style:paragraph-properties fo:margin-bottom="1cm"/><style:text-properties fo:font-size="14pt"/></style:style>
<style:style style:name="Cover" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:margin-top="6cm"/></style:style>
<style:style style:name="Contents_20_Heading" style:display-name="Contents Heading" style:family="paragraph" style:parent-style-name="Heading" style:class="index"><style:paragraph-properties fo:break-before="page"/><style:text-properties fo:font-size="16pt"/></style:style>
<style:style style:name="Contents_20_1" style:display-name="Contents 1" style:family="paragraph" style:parent-style-name="Standard" style:class="index"><style:paragraph-properties fo:margin-top="0.2cm"/><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Contents_20_2" style:display-name="Contents 2" style:family="paragraph" style:parent-style-name="Standard" style:class="index"><style:paragraph-properties fo:margin-left="0.6cm" fo:margin-bottom="0.05cm"/></style:style>
</office:styles>
<office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles>
</office:document-styles>"##,
        language_attributes(language)
    )
}

struct Body<'m> {
    metrics: &'m Metrics,
    xml: String,
    /// Automatic styles the body needs (the tables' column widths).
    styles: String,
    pictures: Vec<(String, String)>,
    parts: usize,
    tables: usize,
}

impl Body<'_> {
    fn heading(&mut self, level: u8, text: &str) {
        let level = heading_level(level);
        // Each part starts a page, except the first, which follows the title.
        let style =
            if level == 1 && self.parts == 0 { "FirstHeading".to_owned() } else { format!("Heading_20_{level}") };
        if level == 1 {
            self.parts += 1;
        }
        self.xml.push_str(&format!(
            "<text:h text:style-name=\"{style}\" text:outline-level=\"{level}\">{}</text:h>",
            xml(text)
        ));
    }

    fn paragraph(&mut self, style: &str, text: &str) {
        self.xml.push_str(&format!("<text:p text:style-name=\"{style}\">{}</text:p>", xml(text)));
    }

    fn list(&mut self, lines: &[String]) {
        self.xml.push_str("<text:list>");
        for line in lines {
            self.xml.push_str(&format!(
                "<text:list-item><text:p text:style-name=\"List_20_Contents\">{}</text:p></text:list-item>",
                xml(line)
            ));
        }
        self.xml.push_str("</text:list>");
    }

    fn table(&mut self, name: &str, header: &[String], rows: &[Vec<String>]) {
        let Some(grid) = Grid::new(header, rows) else { return };
        self.tables += 1;
        let t = self.tables;
        // Short tables stay on one page; long ones may break between rows, the header rows
        // repeated on each page.
        let style = if grid.rows.len() <= SHORT_TABLE { "WholeTable" } else { "LongTable" };
        for (c, share) in grid.shares(self.metrics).iter().enumerate() {
            self.styles.push_str(&format!(
                "<style:style style:name=\"T{t}C{c}\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"{:.3}cm\"/></style:style>",
                share * TABLE_WIDTH_CM
            ));
        }
        self.paragraph("Caption", &format!("Tableau {t} — {name}"));
        self.xml.push_str(&format!("<table:table table:name=\"{}\" table:style-name=\"{style}\">", xml(name)));
        for c in 0..grid.columns {
            self.xml.push_str(&format!("<table:table-column table:style-name=\"T{t}C{c}\"/>"));
        }
        let figures: Vec<bool> = (0..grid.columns).map(|c| grid.is_figures(c)).collect();
        self.xml.push_str("<table:table-header-rows><table:table-row>");
        for (h, figure) in grid.header.iter().zip(&figures) {
            // A figures column has its header aligned to the right too, above the figures.
            let style = if *figure { "Table_20_Heading_20_Figure" } else { "Table_20_Heading" };
            self.xml.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p text:style-name=\"{style}\">{}</text:p></table:table-cell>",
                xml(h)
            ));
        }
        self.xml.push_str("</table:table-row></table:table-header-rows>");
        for row in &grid.rows {
            self.xml.push_str("<table:table-row>");
            for (cell, figure) in row.iter().zip(&figures) {
                let style = if *figure { "Table_20_Figure" } else { "Table_20_Contents" };
                self.xml.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p text:style-name=\"{style}\">{}</text:p></table:table-cell>",
                    xml(cell)
                ));
            }
            self.xml.push_str("</table:table-row>");
        }
        self.xml.push_str("</table:table>");
    }

    fn picture(&mut self, picture: &Picture) {
        let name = format!("Pictures/image-{}.svg", self.pictures.len() + 1);
        let cm = picture.width_mm as f64 / 10.0;
        self.xml.push_str(&format!(
            "<text:p text:style-name=\"Figure\"><draw:frame draw:name=\"{t}\" text:anchor-type=\"as-char\" svg:width=\"{cm:.1}cm\" svg:height=\"{cm:.1}cm\"><draw:image xlink:href=\"{name}\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\" draw:mime-type=\"image/svg+xml\"/><svg:title>{t}</svg:title></draw:frame></text:p>",
            t = xml(&picture.alt),
        ));
        self.pictures.push((name, picture.svg()));
    }

    fn chart(&mut self, title: &str, bars: &[(String, usize)]) {
        let name = format!("Pictures/graphique-{}.svg", self.pictures.len() + 1);
        // The picture's size in cm, keeping the drawing's proportions at 15.5 cm wide.
        let (w, h) = bar_chart_size(title, bars);
        let height_cm = 15.5 * h as f64 / w as f64;
        // The frame keeps with the table of its figures that follows.
        self.xml.push_str(&format!(
            "<text:p text:style-name=\"Figure\"><draw:frame draw:name=\"{t}\" text:anchor-type=\"as-char\" svg:width=\"15.5cm\" svg:height=\"{height_cm:.2}cm\"><draw:image xlink:href=\"{name}\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\" draw:mime-type=\"image/svg+xml\"/><svg:title>{t}</svg:title><svg:desc>{d}</svg:desc></draw:frame></text:p>",
            t = xml(title),
            d = xml(&text_alternative(title, bars)),
        ));
        self.pictures.push((name, bar_chart_svg(title, bars)));
    }
}

fn content<'m>(metrics: &'m Metrics, blocks: &[Block]) -> Body<'m> {
    let mut body =
        Body { metrics, xml: String::new(), styles: String::new(), pictures: Vec::new(), parts: 0, tables: 0 };
    for (at, block) in blocks.iter().enumerate() {
        match block {
            Block::Title(text) => body.paragraph("Title", text),
            Block::Cover { title, subtitle, details } => {
                body.paragraph("Cover", "");
                body.paragraph("Title", title);
                if !subtitle.is_empty() {
                    body.paragraph("Subtitle", subtitle);
                }
                for line in details {
                    body.paragraph("Text_20_body", line);
                }
                // The first part starts a page of its own, after the cover.
                body.parts = body.parts.max(1);
            }
            Block::Contents => {
                body.paragraph("Contents_20_Heading", CONTENTS_TITLE);
                for (level, text) in contents_entries(blocks, at) {
                    body.paragraph(&format!("Contents_20_{level}"), text);
                }
                body.parts = body.parts.max(1);
            }
            Block::Image(picture) => body.picture(picture),
            Block::Heading { level, text } => body.heading(*level, text),
            Block::Paragraph(text) => body.paragraph("Text_20_body", text),
            Block::Quote(text) => body.paragraph("Quotations", text),
            Block::List(lines) => body.list(lines),
            Block::Table { name, header, rows } => body.table(name, header, rows),
            Block::Chart { title, bars } => body.chart(title, bars),
        }
    }
    body
}

/// The `.odt` bytes.
pub(crate) fn render(document: &Document) -> Result<Vec<u8>, DocumentError> {
    let metrics = Metrics::new()?;
    let body = content(&metrics, &document.blocks);
    let content_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="FirstHeading" style:family="paragraph" style:parent-style-name="Heading_20_1"><style:paragraph-properties fo:break-before="auto"/></style:style><style:style style:name="WholeTable" style:family="table"><style:table-properties style:width="{TABLE_WIDTH_CM}cm" table:align="left" style:may-break-between-rows="false" fo:keep-with-next="auto"/></style:style><style:style style:name="LongTable" style:family="table"><style:table-properties style:width="{TABLE_WIDTH_CM}cm" table:align="left"/></style:style>{}</office:automatic-styles><office:body><office:text>{}</office:text></office:body></office:document-content>"#,
        body.styles, body.xml
    );
    // Title and language for readers and accessibility checkers; no date, for the same bytes.
    let meta = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta><meta:generator>Essaim</meta:generator><dc:title>{}</dc:title><dc:language>{}</dc:language></office:meta></office:document-meta>"#,
        xml(&document.title),
        xml(&document.language)
    );
    let mut manifest = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>"#,
    );
    for (name, _) in &body.pictures {
        manifest.push_str(&format!(
            "<manifest:file-entry manifest:full-path=\"{name}\" manifest:media-type=\"image/svg+xml\"/>"
        ));
    }
    manifest.push_str("</manifest:manifest>");

    let error = |e: zip::result::ZipError| DocumentError::Package { format: "ODT", reason: e.to_string() };
    let io = |e: std::io::Error| DocumentError::Package { format: "ODT", reason: e.to_string() };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed date on every entry (1980-01-01), whatever features the zip crate was built with.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::DEFAULT);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    // The mimetype comes first, stored uncompressed: that is how readers recognise the format.
    zip.start_file("mimetype", stored).map_err(error)?;
    zip.write_all(b"application/vnd.oasis.opendocument.text").map_err(io)?;
    let styles = styles(&document.language);
    for (name, text) in [
        ("META-INF/manifest.xml", manifest.as_str()),
        ("meta.xml", meta.as_str()),
        ("styles.xml", styles.as_str()),
        ("content.xml", content_xml.as_str()),
    ] {
        zip.start_file(name, deflated).map_err(error)?;
        zip.write_all(text.as_bytes()).map_err(io)?;
    }
    for (name, svg) in &body.pictures {
        zip.start_file(name.as_str(), deflated).map_err(error)?;
        zip.write_all(svg.as_bytes()).map_err(io)?;
    }
    Ok(zip.finish().map_err(error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, text: &str) -> Block {
        Block::Heading { level, text: text.into() }
    }

    #[test]
    fn only_parts_after_the_first_start_a_new_page() {
        let m = Metrics::new().unwrap();
        let body = content(&m, &[Block::Title("Projet".into()), h(1, "Un"), h(2, "Détail"), h(1, "Deux"), h(7, "Bas")]);
        assert!(body.xml.contains("<text:h text:style-name=\"FirstHeading\" text:outline-level=\"1\">Un</text:h>"));
        assert!(body.xml.contains("<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">Deux</text:h>"));
        assert!(body.xml.contains("<text:h text:style-name=\"Heading_20_3\" text:outline-level=\"3\">Bas</text:h>"));
        let styles = styles("fr-FR");
        assert!(styles.contains("fo:language=\"fr\" fo:country=\"FR\""));
        let heading1 = styles.split("<style:style ").find(|s| s.contains("style:name=\"Heading_20_1\"")).unwrap();
        assert!(heading1.contains("fo:break-before=\"page\""));
        assert!(styles.contains("fo:keep-with-next=\"always\""), "headings keep with the next paragraph");
    }

    #[test]
    fn tables_have_a_caption_sized_columns_and_any_number_of_them() {
        let m = Metrics::new().unwrap();
        let header = vec!["Atelier".to_owned(), "Ville".to_owned(), "Présents".to_owned()];
        let rows =
            vec![vec!["Emploi".to_owned(), "Nantes".to_owned(), "1\u{202f}204".to_owned()], vec!["Seul".to_owned()]];
        let body = content(&m, &[Block::Table { name: "Ateliers".into(), header, rows }]);
        assert!(body.xml.contains("<text:p text:style-name=\"Caption\">Tableau 1 — Ateliers</text:p>"));
        assert_eq!(body.xml.matches("<table:table-column ").count(), 3);
        assert_eq!(body.styles.matches("style:family=\"table-column\"").count(), 3);
        assert_eq!(body.xml.matches("<table:table-cell ").count(), 9, "the short row is padded");
        assert_eq!(body.xml.matches("\"Table_20_Figure\"").count(), 2, "the figures column, both rows");
        assert_eq!(body.xml.matches("\"Table_20_Heading_20_Figure\"").count(), 1, "and its header");
        assert!(roxmltree::Document::parse(&format!(
            "<r xmlns:text=\"t\" xmlns:table=\"u\" xmlns:office=\"o\">{}</r>",
            body.xml
        ))
        .is_ok());
        let empty = content(&m, &[Block::Table { name: "Vide".into(), header: Vec::new(), rows: Vec::new() }]);
        assert!(empty.xml.is_empty(), "a table with no column is left out");
    }
}

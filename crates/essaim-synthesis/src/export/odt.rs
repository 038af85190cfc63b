//! The draft strategy as an OpenDocument text (`.odt`): opens and edits in LibreOffice and
//! Word, headings as real heading styles (navigation, table of contents), tables with header
//! rows, participation charts as SVG pictures. Written with fixed zip timestamps, so the same
//! document gives the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::charts::bar_chart_svg;
use super::report::{blocks, Block, Facet};
use crate::pipeline::Item;
use crate::run::SynthesisDocument;

/// Escapes text for XML content and attributes; drops characters XML 1.0 forbids.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

const STYLES: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="11pt" fo:language="fr" fo:country="FR"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.25cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold" fo:color="#0b5e57"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" style:class="chapter"><style:text-properties fo:font-size="20pt"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1" style:class="text"><style:paragraph-properties fo:break-before="page"/><style:text-properties fo:font-size="16pt"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2" style:class="text"><style:text-properties fo:font-size="13pt"/></style:style>
<style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="3" style:class="text"><style:text-properties fo:font-size="11.5pt"/></style:style>
<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:paragraph-properties fo:margin-left="0.8cm" fo:margin-right="0.8cm"/><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
</office:styles>
<office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles>
</office:document-styles>"##;

struct Body {
    xml: String,
    pictures: Vec<(String, String)>,
    parts: usize,
}

impl Body {
    fn heading(&mut self, level: u8, text: &str) {
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
                "<text:list-item><text:p text:style-name=\"Text_20_body\">{}</text:p></text:list-item>",
                xml(line)
            ));
        }
        self.xml.push_str("</text:list>");
    }
    fn table(&mut self, name: &str, header: &[String; 2], rows: &[(String, String)]) {
        // Short tables stay on one page; long ones (parameters) may break between rows.
        let style = if rows.len() <= 15 { "WholeTable" } else { "LongTable" };
        self.xml.push_str(&format!(
            "<table:table table:name=\"{}\" table:style-name=\"{style}\"><table:table-column table:number-columns-repeated=\"2\"/><table:table-header-rows><table:table-row>",
            xml(name)
        ));
        for h in header {
            self.xml.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p text:style-name=\"Table_20_Heading\">{}</text:p></table:table-cell>",
                xml(h)
            ));
        }
        self.xml.push_str("</table:table-row></table:table-header-rows>");
        for (a, b) in rows {
            self.xml.push_str(&format!(
                "<table:table-row><table:table-cell office:value-type=\"string\"><text:p text:style-name=\"Table_20_Contents\">{}</text:p></table:table-cell><table:table-cell office:value-type=\"string\"><text:p text:style-name=\"Table_20_Contents\">{}</text:p></table:table-cell></table:table-row>",
                xml(a),
                xml(b)
            ));
        }
        self.xml.push_str("</table:table>");
    }
    fn chart(&mut self, title: &str, facet: &Facet) {
        let name = format!("Pictures/graphique-{}.svg", self.pictures.len() + 1);
        let height_cm = 1.0 + 0.6 * facet.len().max(1) as f64;
        self.xml.push_str(&format!(
            "<text:p text:style-name=\"Standard\"><draw:frame draw:name=\"{t}\" text:anchor-type=\"as-char\" svg:width=\"15.5cm\" svg:height=\"{height_cm:.1}cm\"><draw:image xlink:href=\"{name}\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\" draw:mime-type=\"image/svg+xml\"/><svg:title>{t}</svg:title></draw:frame></text:p>",
            t = xml(title)
        ));
        self.pictures.push((name, bar_chart_svg(title, facet)));
    }
}

fn content(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> Body {
    let mut body = Body { xml: String::new(), pictures: Vec::new(), parts: 0 };
    for block in blocks(document, inputs) {
        match block {
            Block::Title(text) => body.paragraph("Title", &text),
            Block::Heading { level, text } => body.heading(level, &text),
            Block::Paragraph(text) => body.paragraph("Text_20_body", &text),
            Block::Quote(text) => body.paragraph("Quotations", &text),
            Block::List(lines) => body.list(&lines),
            Block::Table { name, header, rows } => body.table(&name, &header, &rows),
            Block::Chart { title, bars } => body.chart(&title, &bars),
        }
    }
    body
}

/// The `.odt` bytes.
pub fn render(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> Result<Vec<u8>, String> {
    let body = content(document, inputs);
    let content_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="FirstHeading" style:family="paragraph" style:parent-style-name="Heading_20_1"><style:paragraph-properties fo:break-before="auto"/></style:style><style:style style:name="WholeTable" style:family="table"><style:table-properties style:width="16cm" table:align="left" style:may-break-between-rows="false" fo:keep-with-next="auto"/></style:style><style:style style:name="LongTable" style:family="table"><style:table-properties style:width="16cm" table:align="left"/></style:style></office:automatic-styles><office:body><office:text>{}</office:text></office:body></office:document-content>"#,
        body.xml
    );
    let mut manifest = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>"#,
    );
    for (name, _) in &body.pictures {
        manifest.push_str(&format!(
            "<manifest:file-entry manifest:full-path=\"{name}\" manifest:media-type=\"image/svg+xml\"/>"
        ));
    }
    manifest.push_str("</manifest:manifest>");

    let error = |e: zip::result::ZipError| format!("ODT : {e}");
    let io = |e: std::io::Error| format!("ODT : {e}");
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // The mimetype comes first, stored uncompressed: that is how readers recognise the format.
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).map_err(error)?;
    zip.write_all(b"application/vnd.oasis.opendocument.text").map_err(io)?;
    for (name, text) in
        [("META-INF/manifest.xml", manifest.as_str()), ("styles.xml", STYLES), ("content.xml", content_xml.as_str())]
    {
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
    use super::xml;

    #[test]
    fn xml_text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(xml("a<b & \"c\" 'd'"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;");
        assert_eq!(xml("x\u{0}\u{1b}\u{fffe}\u{ffff}y\nz"), "xy z");
    }
}

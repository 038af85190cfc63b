//! Word document (`.docx`, WordprocessingML): opens and edits in Word and LibreOffice.
//! Built-in style ids (`Title`, `Heading1`–`Heading3`, `Quote`, `ListParagraph`, `Caption`),
//! so the navigation pane and a table of contents work; real bullet lists; tables with a
//! caption, an accessible name, a repeated header row and columns sized by their content;
//! charts as PNG pictures (Word does not show SVG without a fallback) whose description is the
//! text alternative; the document's language, A4. Written by hand like the ODT, with fixed zip
//! timestamps and no creation date, so the same document gives the same bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::charts::{bar_chart_png, bar_chart_size, text_alternative};
use crate::table::Grid;
use crate::text::Metrics;
use crate::xml::escape as xml;
use crate::{contents_entries, heading_level, Block, Document, DocumentError, Picture, CONTENTS_TITLE};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const PIC: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
const REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Text width of the pictures at most: 16 cm, in EMU (360 000 per cm).
const MAX_PICTURE_WIDTH: u64 = 16 * 360_000;
/// One CSS pixel (1/96 in) in EMU.
const EMU_PER_PX: f64 = 9525.0;
/// The text width, in twips (17 cm), which tables fill.
const TEXT_WIDTH: u32 = 9638;
/// Tables of this many rows or fewer are kept on one page.
const SHORT_TABLE: usize = 15;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:color w:val="1C1D21"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl/></w:pPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="240"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="0B5E57"/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="11"/><w:qFormat/><w:pPr><w:spacing w:after="480"/></w:pPr><w:rPr><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Cover"><w:name w:val="Cover"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="3400" w:after="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:pPr><w:keepNext/><w:pageBreakBefore/><w:spacing w:before="0" w:after="240"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="0B5E57"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:before="120" w:after="40"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="40"/><w:ind w:left="340"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:pageBreakBefore/><w:spacing w:before="280" w:after="140"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="0B5E57"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="140"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="0B5E57"/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="0B5E57"/><w:sz w:val="23"/><w:szCs w:val="23"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="29"/><w:qFormat/><w:pPr><w:keepLines/><w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="0B5E57"/></w:pBdr><w:spacing w:before="60" w:after="120"/><w:ind w:left="624" w:right="454"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:keepLines/><w:spacing w:after="120"/><w:ind w:left="720"/><w:contextualSpacing/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="35"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="0B5E57"/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableHeading"><w:name w:val="Table Heading"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableContents"><w:name w:val="Table Contents"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="5F6368"/><w:left w:val="single" w:sz="4" w:space="0" w:color="5F6368"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="5F6368"/><w:right w:val="single" w:sz="4" w:space="0" w:color="5F6368"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="5F6368"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="5F6368"/></w:tblBorders></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E3EFED"/></w:tcPr></w:tblStylePr></w:style>
</w:styles>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="709"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="{LANG}"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>"#;

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial" w:hint="default"/></w:rPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

/// The document's body and the pictures it refers to.
struct Body<'m> {
    metrics: &'m Metrics,
    xml: String,
    /// (relationship id, part name inside `word/`, PNG bytes).
    pictures: Vec<(String, String, Vec<u8>)>,
    tables: usize,
    parts: usize,
}

/// A run of text, spaces kept.
fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", xml(text))
}

/// Column widths in twips from their shares, adding up to the text width exactly.
fn twips(shares: &[f32]) -> Vec<u32> {
    let mut widths: Vec<u32> = shares.iter().map(|s| (s * TEXT_WIDTH as f32).round() as u32).collect();
    let others: u32 = widths.iter().take(widths.len().saturating_sub(1)).sum();
    if let Some(last) = widths.last_mut() {
        *last = TEXT_WIDTH.saturating_sub(others);
    }
    widths
}

impl<'m> Body<'m> {
    fn new(metrics: &'m Metrics) -> Self {
        Body { metrics, xml: String::new(), pictures: Vec::new(), tables: 0, parts: 0 }
    }

    fn paragraph(&mut self, style: &str, text: &str) {
        self.xml.push_str(&format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>", run(text)));
    }

    fn heading(&mut self, level: u8, text: &str) {
        let level = heading_level(level);
        // Each part starts a page (the style says so), except the first, which follows the title.
        let first = level == 1 && self.parts == 0;
        if level == 1 {
            self.parts += 1;
        }
        let keep = if first { "<w:pageBreakBefore w:val=\"0\"/>" } else { "" };
        self.xml
            .push_str(&format!("<w:p><w:pPr><w:pStyle w:val=\"Heading{level}\"/>{keep}</w:pPr>{}</w:p>", run(text)));
    }

    fn list(&mut self, lines: &[String]) {
        for line in lines {
            // An item is not split over two pages (the style's keepLines).
            self.xml.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>{}</w:p>",
                run(line)
            ));
        }
    }

    fn table(&mut self, name: &str, header: &[String], rows: &[Vec<String>]) {
        let Some(grid) = Grid::new(header, rows) else { return };
        self.tables += 1;
        // Short tables stay on one page (every row keeps with the next); long ones may break
        // between rows, the header row repeated on each page.
        let whole = grid.rows.len() <= SHORT_TABLE;
        let widths = twips(&grid.shares(self.metrics));
        let figures: Vec<bool> = (0..grid.columns).map(|c| grid.is_figures(c)).collect();
        self.xml.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Caption\"/></w:pPr>{}</w:p>",
            run(&format!("Tableau {} — {name}", self.tables))
        ));
        self.xml.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0620\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/><w:tblCaption w:val=\"{n}\"/><w:tblDescription w:val=\"{n}\"/></w:tblPr><w:tblGrid>",
            n = xml(name)
        ));
        for width in &widths {
            self.xml.push_str(&format!("<w:gridCol w:w=\"{width}\"/>"));
        }
        self.xml.push_str("</w:tblGrid>");
        // A figures column has its header aligned to the right too, above the figures.
        self.row(&grid.header, &widths, &figures, true, whole && !grid.rows.is_empty());
        for (i, row) in grid.rows.iter().enumerate() {
            self.row(row, &widths, &figures, false, whole && i + 1 < grid.rows.len());
        }
        self.xml.push_str("</w:tbl>");
    }

    fn row(&mut self, cells: &[&str], widths: &[u32], figures: &[bool], header: bool, keep_next: bool) {
        let marks = if header { "<w:cantSplit/><w:tblHeader/>" } else { "<w:cantSplit/>" };
        let style = if header { "TableHeading" } else { "TableContents" };
        let keep = if keep_next { "<w:keepNext/>" } else { "" };
        // The header's shading and bold are also given directly, for readers that ignore the
        // table style's first-row formatting.
        let shading = if header { "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E3EFED\"/>" } else { "" };
        self.xml.push_str(&format!("<w:tr><w:trPr>{marks}</w:trPr>"));
        for ((cell, width), figure) in cells.iter().zip(widths).zip(figures) {
            let align = if *figure { "<w:jc w:val=\"right\"/>" } else { "" };
            self.xml.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{shading}</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{keep}{align}</w:pPr>{}</w:p></w:tc>",
                run(cell)
            ));
        }
        self.xml.push_str("</w:tr>");
    }

    fn chart(&mut self, title: &str, bars: &[(String, usize)]) -> Result<(), DocumentError> {
        let (w, h) = bar_chart_size(title, bars);
        let (mut cx, mut cy) = ((w as f64 * EMU_PER_PX).round() as u64, (h as f64 * EMU_PER_PX).round() as u64);
        if cx > MAX_PICTURE_WIDTH {
            cy = (cy as f64 * MAX_PICTURE_WIDTH as f64 / cx as f64).round() as u64;
            cx = MAX_PICTURE_WIDTH;
        }
        let png = bar_chart_png(title, bars)?;
        self.drawing("graphique", title, &text_alternative(title, bars), (cx, cy), png);
        Ok(())
    }

    fn picture(&mut self, picture: &Picture) -> Result<(), DocumentError> {
        // 914,400 EMU per inch, 25.4 mm per inch.
        let side = (f64::from(picture.width_mm) * 36_000.0).round() as u64;
        let png = picture.png(8)?;
        self.drawing("image", &picture.alt, &picture.alt, (side, side), png);
        Ok(())
    }

    /// A PNG picture in its own paragraph, kept with what follows.
    fn drawing(&mut self, kind: &str, title: &str, description: &str, (cx, cy): (u64, u64), png: Vec<u8>) {
        let n = self.pictures.len() + 1;
        // Relationships 1 to 3 are the styles, settings and numbering.
        let id = format!("rId{}", n + 3);
        let file = format!("{kind}-{n}.png");
        let t = xml(title);
        let d = xml(description);
        // A chart keeps with the table of its figures that follows.
        self.xml.push_str(&format!(
            "<w:p><w:pPr><w:keepNext/><w:spacing w:before=\"120\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:docPr id=\"{n}\" name=\"Graphique {n}\" descr=\"{d}\" title=\"{t}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri=\"{PIC}\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"{file}\" descr=\"{d}\"/><pic:cNvPicPr><a:picLocks noChangeAspect=\"1\" noChangeArrowheads=\"1\"/></pic:cNvPicPr></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{id}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        ));
        self.pictures.push((id, format!("media/{file}"), png));
    }
}

fn content<'m>(metrics: &'m Metrics, blocks: &[Block]) -> Result<Body<'m>, DocumentError> {
    let mut body = Body::new(metrics);
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
                    body.paragraph("Normal", line);
                }
                // The first part starts a page of its own, after the cover.
                body.parts = body.parts.max(1);
            }
            Block::Contents => {
                body.paragraph("TOCHeading", CONTENTS_TITLE);
                for (level, text) in contents_entries(blocks, at) {
                    body.paragraph(&format!("TOC{level}"), text);
                }
                body.parts = body.parts.max(1);
            }
            Block::Image(picture) => body.picture(picture)?,
            Block::Heading { level, text } => body.heading(*level, text),
            Block::Paragraph(text) => body.paragraph("Normal", text),
            Block::Quote(text) => body.paragraph("Quote", text),
            Block::List(lines) => body.list(lines),
            Block::Table { name, header, rows } => body.table(name, header, rows),
            Block::Chart { title, bars } => body.chart(title, bars)?,
        }
    }
    Ok(body)
}

/// `word/document.xml`: the body, then the page (A4, 2 cm margins).
fn document_xml(body: &Body<'_>) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}"><w:body>{}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/><w:cols w:space="708"/></w:sectPr></w:body></w:document>"#,
        body.xml
    )
}

fn document_rels(body: &Body<'_>) -> String {
    let mut rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{REL}"><Relationship Id="rId1" Type="{OFFICE_REL}/styles" Target="styles.xml"/><Relationship Id="rId2" Type="{OFFICE_REL}/settings" Target="settings.xml"/><Relationship Id="rId3" Type="{OFFICE_REL}/numbering" Target="numbering.xml"/>"#
    );
    for (id, target, _) in &body.pictures {
        rels.push_str(&format!("<Relationship Id=\"{id}\" Type=\"{OFFICE_REL}/image\" Target=\"{target}\"/>"));
    }
    rels.push_str("</Relationships>");
    rels
}

/// The `.docx` bytes.
pub(crate) fn render(document: &Document) -> Result<Vec<u8>, DocumentError> {
    let metrics = Metrics::new()?;
    let body = content(&metrics, &document.blocks)?;
    let language = xml(&document.language);
    let package_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{REL}"><Relationship Id="rId1" Type="{OFFICE_REL}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#
    );
    // No creation or modification date: the same document gives the same bytes.
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>Essaim</dc:creator><dc:language>{language}</dc:language></cp:coreProperties>"#,
        xml(&document.title)
    );
    let document_xml = document_xml(&body);
    let document_rels = document_rels(&body);
    let styles = STYLES.replace("{LANG}", &language);
    let settings = SETTINGS.replace("{LANG}", &language);

    let error = |e: zip::result::ZipError| DocumentError::Package { format: "DOCX", reason: e.to_string() };
    let io = |e: std::io::Error| DocumentError::Package { format: "DOCX", reason: e.to_string() };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed date on every entry (1980-01-01), whatever features the zip crate was built with.
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::DEFAULT);
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", package_rels.as_str()),
        ("docProps/core.xml", core.as_str()),
        ("word/document.xml", document_xml.as_str()),
        ("word/_rels/document.xml.rels", document_rels.as_str()),
        ("word/styles.xml", styles.as_str()),
        ("word/settings.xml", settings.as_str()),
        ("word/numbering.xml", NUMBERING),
    ] {
        zip.start_file(name, deflated).map_err(error)?;
        zip.write_all(text.as_bytes()).map_err(io)?;
    }
    for (_, target, png) in &body.pictures {
        // PNG is already compressed.
        zip.start_file(format!("word/{target}"), deflated.compression_method(CompressionMethod::Stored))
            .map_err(error)?;
        zip.write_all(png).map_err(io)?;
    }
    Ok(zip.finish().map_err(error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, text: &str) -> Block {
        Block::Heading { level, text: text.into() }
    }

    /// The heading paragraphs of a body, in order.
    fn headings(xml: &str) -> Vec<&str> {
        xml.split("<w:p>").filter(|p| p.contains("w:val=\"Heading")).collect()
    }

    #[test]
    fn only_parts_after_the_first_start_a_new_page() {
        let m = Metrics::new().unwrap();
        let body = content(
            &m,
            &[
                Block::Title("Projet".into()),
                Block::Paragraph("Intro".into()),
                h(1, "Participation"),
                h(2, "Détail"),
                h(1, "Thème 1"),
                h(3, "Sous-détail"),
                h(1, "Annexe"),
            ],
        )
        .unwrap();
        let headings = headings(&body.xml);
        assert_eq!(headings.len(), 5);
        // The style breaks the page before every Heading1...
        let heading1 = STYLES.split("<w:style ").find(|s| s.contains("w:styleId=\"Heading1\"")).unwrap();
        assert!(heading1.contains("<w:pageBreakBefore/>"));
        assert!(heading1.contains("<w:outlineLvl w:val=\"0\"/>"));
        assert!(heading1.contains("<w:keepNext/>"), "headings keep with the next paragraph");
        // ...but the first one, which follows the title, says not to.
        assert!(headings[0].contains("Heading1") && headings[0].contains("<w:pageBreakBefore w:val=\"0\"/>"));
        for later in [headings[2], headings[4]] {
            assert!(later.contains("Heading1"));
            assert!(!later.contains("pageBreakBefore"), "{later}");
        }
        // Lower levels never break the page.
        assert!(headings[1].contains("Heading2") && !headings[1].contains("pageBreakBefore"));
        assert!(headings[3].contains("Heading3") && !headings[3].contains("pageBreakBefore"));
        for level in ["Heading2", "Heading3"] {
            let style = STYLES.split("<w:style ").find(|s| s.contains(&format!("w:styleId=\"{level}\""))).unwrap();
            assert!(!style.contains("pageBreakBefore"));
        }
        // Quotes and list items are not split over pages.
        for id in ["Quote", "ListParagraph"] {
            let style = STYLES.split("<w:style ").find(|s| s.contains(&format!("w:styleId=\"{id}\""))).unwrap();
            assert!(style.contains("<w:keepLines/>"), "{id}");
        }
    }

    #[test]
    fn short_tables_keep_together_and_long_ones_may_break() {
        let m = Metrics::new().unwrap();
        let rows = |n: usize| (0..n).map(|i| vec![format!("l{i}"), i.to_string()]).collect::<Vec<_>>();
        let header = vec!["A".to_owned(), "B".to_owned()];
        let mut body = Body::new(&m);
        body.table("Court", &header, &rows(3));
        // Header and the first two rows keep with the next; the last row does not.
        assert_eq!(body.xml.matches("<w:keepNext/>").count(), 2 * 3);
        assert_eq!(body.xml.matches("<w:tblHeader/>").count(), 1);
        assert_eq!(body.xml.matches("<w:cantSplit/>").count(), 4);
        assert_eq!(
            body.xml.matches("<w:jc w:val=\"right\"/>").count(),
            4,
            "the figures and their header, right-aligned"
        );
        let mut body = Body::new(&m);
        body.table("Long", &header, &rows(SHORT_TABLE + 1));
        assert_eq!(body.xml.matches("<w:keepNext/>").count(), 0);
        assert!(body.xml.contains("<w:tblCaption w:val=\"Long\"/>"));
    }

    #[test]
    fn tables_take_any_number_of_columns_filling_the_text_width() {
        let m = Metrics::new().unwrap();
        let header = vec!["Atelier".to_owned(), "Ville".to_owned(), "Date".to_owned(), "Présents".to_owned()];
        let rows =
            vec![vec!["Emploi et territoires".to_owned(), "Nantes".to_owned(), "12 mars".to_owned(), "48".to_owned()]];
        let mut body = Body::new(&m);
        body.table("Ateliers", &header, &rows);
        let grid: Vec<u32> =
            body.xml.split("<w:gridCol w:w=\"").skip(1).map(|s| s[..s.find('"').unwrap()].parse().unwrap()).collect();
        assert_eq!(grid.len(), 4);
        assert_eq!(grid.iter().sum::<u32>(), TEXT_WIDTH);
        assert_eq!(body.xml.matches("<w:tc>").count(), 8);
        assert_eq!(twips(&[0.5, 0.5]), vec![4819, 4819]);
    }
}

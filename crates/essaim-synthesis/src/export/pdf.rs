//! The draft strategy as a PDF for publication: A4, the built-in DejaVu Sans embedded (subset),
//! and tagged for assistive technology — headings, paragraphs, lists, tables with header cells,
//! quotes and figures with text alternatives, page furniture marked as artifacts, language
//! `fr-FR`, bookmarks for every heading. krilla's PDF/UA-1 validator runs on every export: a
//! document that breaks one of its checkable rules is refused rather than published.
//!
//! Layout is two passes: [`Layout`] places every line and shape on pages and records which
//! structure element it belongs to; [`render`] then draws the pages and builds the tag tree
//! (the page count is known by then, for "page N / M").

use std::num::NonZeroU16;

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder, Validator};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, SpanTag, TableHeaderScope, Tag, TagGroup, TagKind,
    TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

use super::fonts;
use super::report::{blocks, Block, Facet};
use crate::pipeline::Item;
use crate::run::SynthesisDocument;

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.7;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
const BODY_SIZE: f32 = 10.5;
/// Line height as a multiple of the font size (WCAG 1.4.12 asks readers be able to reach 1.5).
const LEADING: f32 = 1.45;
/// DejaVu Sans ascent, in em: from the top of a line box to its baseline.
const ASCENT: f32 = 0.93;

const INK: (u8, u8, u8) = (0x1c, 0x1d, 0x21);
const ACCENT: (u8, u8, u8) = (0x0b, 0x5e, 0x57);
const MUTED: (u8, u8, u8) = (0x4a, 0x4c, 0x52);
const RULE: (u8, u8, u8) = (0xb8, 0xbb, 0xc2);
const SHADE: (u8, u8, u8) = (0xe8, 0xf1, 0xf0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
}

/// Advance widths from the font files, to break lines before drawing them.
struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    fn new() -> Result<Self, String> {
        let parse = |data: &'static [u8]| ttf_parser::Face::parse(data, 0).map_err(|e| format!("PDF : police : {e}"));
        Ok(Metrics { regular: parse(fonts::REGULAR)?, bold: parse(fonts::BOLD)? })
    }

    fn face(&self, face: Face) -> &ttf_parser::Face<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let f = self.face(face);
        let units: u32 =
            text.chars().map(|c| f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g)).unwrap_or(0) as u32).sum();
        units as f32 * size / f.units_per_em() as f32
    }

    /// The text with every character the fonts cannot draw replaced by "?", so no reader sees
    /// an empty box and the PDF/UA check (every glyph maps to a character) holds.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if c.is_control() => '?',
                // Glyph 0 is the font's "missing glyph" box: some lookups (U+FFFF) answer it.
                c if [&self.regular, &self.bold].iter().all(|f| f.glyph_index(c).is_some_and(|g| g.0 != 0)) => c,
                _ => '?',
            })
            .collect()
    }

    /// Greedy line breaking at spaces; a word wider than the line is cut between characters.
    /// As French typography wants, no line starts with `:`, `;`, `!`, `?` or `»`, and none
    /// ends with `«`, unless the group they form is itself wider than a line.
    fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            let glued = word.starts_with([':', ';', '!', '?', '»']) || words.last().is_some_and(|w| w.ends_with('«'));
            match words.last_mut() {
                Some(last) if glued => {
                    last.push(' ');
                    last.push_str(word);
                }
                _ => words.push(word.to_owned()),
            }
        }
        let space = self.width(face, size, " ");
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        let mut queue: std::collections::VecDeque<String> = words.into();
        while let Some(word) = queue.pop_front() {
            let word_width = self.width(face, size, &word);
            if !line.is_empty() && line_width + space + word_width <= width {
                line.push(' ');
                line.push_str(&word);
                line_width += space + word_width;
                continue;
            }
            if word_width > width && word.contains(' ') {
                // A glued group too wide for any line: its words break like any others.
                for part in word.split(' ').rev() {
                    queue.push_front(part.to_owned());
                }
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_width <= width {
                line_width = word_width;
                line = word;
                continue;
            }
            line_width = 0.0;
            for c in word.chars() {
                let w = self.width(face, size, c.encode_utf8(&mut [0; 4]));
                if !line.is_empty() && line_width + w > width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += w;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// How a run of text looks.
#[derive(Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    color: (u8, u8, u8),
}

/// One shape of a page, in points from the top-left corner.
enum Prim {
    Text { x: f32, baseline: f32, face: Face, size: f32, color: (u8, u8, u8), text: String },
    Rect { x: f32, y: f32, width: f32, height: f32, color: (u8, u8, u8) },
}

/// What a run of shapes is, for the tag tree.
#[derive(Clone, Copy)]
enum Mark {
    /// A line of text in structure element `group`.
    Span(usize),
    /// A figure's drawing, in structure element `group`.
    Other(usize),
    /// Page furniture, outside the structure.
    Artifact(ArtifactType),
}

struct Op {
    id: usize,
    mark: Mark,
    prims: Vec<Prim>,
}

enum Child {
    Group(usize),
    Op(usize),
}

struct Group {
    tag: TagKind,
    children: Vec<Child>,
}

struct Heading {
    level: u8,
    text: String,
    page: usize,
    y: f32,
}

/// The first pass: every block placed on pages.
struct Layout<'m> {
    metrics: &'m Metrics,
    pages: Vec<Vec<Op>>,
    next_op: usize,
    groups: Vec<Group>,
    roots: Vec<usize>,
    y: f32,
    parts: usize,
    headings: Vec<Heading>,
    /// While set, each line drawn gets a rule at this x beside it (quotes).
    rule_beside: Option<f32>,
}

impl<'m> Layout<'m> {
    fn new(metrics: &'m Metrics) -> Self {
        Layout {
            metrics,
            pages: vec![Vec::new()],
            next_op: 0,
            groups: Vec::new(),
            roots: Vec::new(),
            y: MARGIN,
            parts: 0,
            headings: Vec::new(),
            rule_beside: None,
        }
    }

    fn page(&self) -> usize {
        self.pages.len() - 1
    }

    fn at_top(&self) -> bool {
        self.y <= MARGIN
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Moves to a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > BOTTOM && !self.at_top() {
            self.new_page();
            return true;
        }
        false
    }

    fn space(&mut self, points: f32) {
        if !self.at_top() {
            self.y += points;
        }
    }

    fn group(&mut self, tag: impl Into<TagKind>, parent: Option<usize>) -> usize {
        let index = self.groups.len();
        self.groups.push(Group { tag: tag.into(), children: Vec::new() });
        match parent {
            Some(p) => self.groups[p].children.push(Child::Group(index)),
            None => self.roots.push(index),
        }
        index
    }

    fn op(&mut self, mark: Mark, prims: Vec<Prim>) {
        let id = self.next_op;
        self.next_op += 1;
        if let Mark::Span(g) | Mark::Other(g) = mark {
            self.groups[g].children.push(Child::Op(id));
        }
        self.pages.last_mut().expect("a page").push(Op { id, mark, prims });
    }

    /// Lines of one text, at `x`, each a span of `group`; pages turn between lines.
    fn lines(&mut self, group: usize, (x, width): (f32, f32), Style { face, size, color }: Style, text: &str) {
        let text = self.metrics.printable(text);
        let lines = self.metrics.wrap(face, size, &text, width);
        let height = size * LEADING;
        let last = lines.len() - 1;
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure(height);
            if !line.is_empty() {
                // The space a line break replaces is kept, so copied or read-aloud text does
                // not run words together.
                let text = if i < last { format!("{line} ") } else { line };
                let baseline = self.y + (height - size) / 2.0 + size * ASCENT;
                self.op(Mark::Span(group), vec![Prim::Text { x, baseline, face, size, color, text }]);
            }
            if let Some(rule_x) = self.rule_beside {
                self.rule(rule_x, self.y, 2.5, height, ACCENT);
            }
            self.y += height;
        }
    }

    /// Moves a short text (up to six lines) to the next page rather than splitting it.
    fn keep_together(&mut self, face: Face, size: f32, text: &str, width: f32) {
        let lines = self.metrics.wrap(face, size, &self.metrics.printable(text), width).len();
        if lines <= 6 {
            self.ensure(lines as f32 * size * LEADING);
        }
    }

    fn rule(&mut self, x: f32, y: f32, width: f32, height: f32, color: (u8, u8, u8)) {
        self.op(Mark::Artifact(ArtifactType::Layout), vec![Prim::Rect { x, y, width, height, color }]);
    }

    fn title(&mut self, text: &str) {
        let g = self.group(Tag::Hn(NonZeroU16::MIN, Some(text.to_owned())), None);
        self.lines(g, (MARGIN, CONTENT_WIDTH), Style { face: Face::Bold, size: 20.0, color: ACCENT }, text);
        self.y += 10.0;
    }

    fn heading(&mut self, level: u8, text: &str) {
        // The document title is H1; the parts are H2, orientations H3.
        let pdf_level = NonZeroU16::new(u16::from(level) + 1).expect("not zero");
        let size = match level {
            1 => 16.0,
            2 => 13.0,
            _ => 11.5,
        };
        if level == 1 {
            if self.parts > 0 && !self.at_top() {
                self.new_page();
            }
            self.parts += 1;
        }
        self.space(if level == 1 { 8.0 } else { 12.0 });
        // Keep the heading with at least three lines of what follows.
        let lines = self.metrics.wrap(Face::Bold, size, &self.metrics.printable(text), CONTENT_WIDTH).len();
        self.ensure(lines as f32 * size * LEADING + 3.0 * BODY_SIZE * LEADING);
        self.headings.push(Heading { level, text: text.to_owned(), page: self.page(), y: self.y });
        let g = self.group(Tag::Hn(pdf_level, Some(text.to_owned())), None);
        self.lines(g, (MARGIN, CONTENT_WIDTH), Style { face: Face::Bold, size, color: ACCENT }, text);
        self.y += 3.0;
    }

    fn paragraph(&mut self, text: &str) {
        let g = self.group(Tag::P, None);
        self.lines(g, (MARGIN, CONTENT_WIDTH), Style { face: Face::Regular, size: BODY_SIZE, color: INK }, text);
        self.y += 5.0;
    }

    fn quote(&mut self, text: &str) {
        let quote = self.group(Tag::BlockQuote, None);
        let p = self.group(Tag::P, Some(quote));
        let width = CONTENT_WIDTH - 32.0;
        self.keep_together(Face::Regular, BODY_SIZE, text, width);
        self.rule_beside = Some(MARGIN + 4.0);
        self.lines(p, (MARGIN + 16.0, width), Style { face: Face::Regular, size: BODY_SIZE, color: INK }, text);
        self.rule_beside = None;
        self.y += 5.0;
    }

    fn list(&mut self, items: &[String]) {
        let list = self.group(Tag::L(ListNumbering::Disc), None);
        for item in items {
            let li = self.group(Tag::LI, Some(list));
            let label = self.group(Tag::Lbl, Some(li));
            let body = self.group(Tag::LBody, Some(li));
            let height = BODY_SIZE * LEADING;
            self.keep_together(Face::Regular, BODY_SIZE, item, CONTENT_WIDTH - 16.0);
            // The bullet never stays alone at the foot of a page.
            self.ensure(height);
            let baseline = self.y + (height - BODY_SIZE) / 2.0 + BODY_SIZE * ASCENT;
            self.op(
                Mark::Span(label),
                vec![Prim::Text {
                    x: MARGIN + 4.0,
                    baseline,
                    face: Face::Regular,
                    size: BODY_SIZE,
                    color: ACCENT,
                    text: "•".into(),
                }],
            );
            self.lines(
                body,
                (MARGIN + 16.0, CONTENT_WIDTH - 16.0),
                Style { face: Face::Regular, size: BODY_SIZE, color: INK },
                item,
            );
            self.y += 1.5;
        }
        self.y += 4.0;
    }

    fn table(&mut self, name: &str, header: &[String; 2], rows: &[(String, String)]) {
        let size = 9.5;
        let pad = 4.0;
        let widths = [CONTENT_WIDTH * 0.58, CONTENT_WIDTH * 0.42];
        let line = size * LEADING;
        let wrap = |m: &Metrics, face: Face, text: &str, w: f32| m.wrap(face, size, &m.printable(text), w - 2.0 * pad);
        let header_lines = [
            wrap(self.metrics, Face::Bold, &header[0], widths[0]),
            wrap(self.metrics, Face::Bold, &header[1], widths[1]),
        ];
        let header_height = header_lines[0].len().max(header_lines[1].len()) as f32 * line + 2.0 * pad;
        // Caption, header and the first row stay together.
        self.space(4.0);
        self.ensure(size * LEADING + header_height + line + 2.0 * pad);
        let table = self.group(Tag::Table, None);
        let caption = self.group(Tag::Caption, Some(table));
        self.lines(caption, (MARGIN, CONTENT_WIDTH), Style { face: Face::Bold, size, color: INK }, name);
        let head = self.group(Tag::THead, Some(table));
        let tr = self.group(Tag::TR, Some(head));
        let cells = [
            self.group(Tag::TH(TableHeaderScope::Column), Some(tr)),
            self.group(Tag::TH(TableHeaderScope::Column), Some(tr)),
        ];
        self.table_row(Some(cells), &header_lines, header_height, Face::Bold, size, widths, true);
        let body = self.group(Tag::TBody, Some(table));
        // A row taller than a page (a cell of thousands of words) continues on the next pages.
        let page_lines = (((BOTTOM - MARGIN - header_height - 2.0 * pad) / line).floor() as usize).max(1);
        for (a, b) in rows {
            let lines =
                [wrap(self.metrics, Face::Regular, a, widths[0]), wrap(self.metrics, Face::Regular, b, widths[1])];
            let tr = self.group(Tag::TR, Some(body));
            let cells = [self.group(Tag::TD, Some(tr)), self.group(Tag::TD, Some(tr))];
            let count = lines[0].len().max(lines[1].len());
            for start in (0..count).step_by(page_lines) {
                let part =
                    |column: &Vec<String>| column.iter().skip(start).take(page_lines).cloned().collect::<Vec<_>>();
                let part = [part(&lines[0]), part(&lines[1])];
                let height = part[0].len().max(part[1].len()) as f32 * line + 2.0 * pad;
                if self.ensure(height) {
                    // The header row again on the new page, as page furniture.
                    self.table_row(None, &header_lines, header_height, Face::Bold, size, widths, true);
                }
                self.table_row(Some(cells), &part, height, Face::Regular, size, widths, false);
            }
        }
        self.y += 8.0;
    }

    /// One row of a table; `cells` is `None` for a repeated header (an artifact).
    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        cells: Option<[usize; 2]>,
        lines: &[Vec<String>; 2],
        height: f32,
        face: Face,
        size: f32,
        widths: [f32; 2],
        header: bool,
    ) {
        let pad = 4.0;
        let top = self.y;
        if header {
            self.op(
                Mark::Artifact(ArtifactType::Layout),
                vec![Prim::Rect { x: MARGIN, y: top, width: CONTENT_WIDTH, height, color: SHADE }],
            );
        }
        let mut x = MARGIN;
        for column in 0..2 {
            let last = lines[column].len().saturating_sub(1);
            for (i, text) in lines[column].iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let baseline = top + pad + i as f32 * size * LEADING + (size * LEADING - size) / 2.0 + size * ASCENT;
                let text = if i < last { format!("{text} ") } else { text.clone() };
                let prim = Prim::Text { x: x + pad, baseline, face, size, color: INK, text };
                match cells {
                    Some(cells) => self.op(Mark::Span(cells[column]), vec![prim]),
                    None => self.op(Mark::Artifact(ArtifactType::Layout), vec![prim]),
                }
            }
            x += widths[column];
        }
        let weight = if header { 1.0 } else { 0.5 };
        self.rule(MARGIN, top + height - weight, CONTENT_WIDTH, weight, if header { ACCENT } else { RULE });
        self.y = top + height;
    }

    fn chart(&mut self, title: &str, bars: &Facet) {
        let size = 9.0;
        let row = 16.0;
        let label_width = CONTENT_WIDTH * 0.38;
        let bar_space = CONTENT_WIDTH * 0.50;
        let height = 18.0 + row * bars.len().max(1) as f32;
        self.space(6.0);
        self.ensure(height + 6.0);
        let alt = format!(
            "{title} (diagramme en barres) : {}.",
            bars.iter().map(|(l, n)| format!("{l} {}", super::labels::number(*n))).collect::<Vec<_>>().join(", ")
        );
        let figure = self.group(Tag::Figure(Some(self.metrics.printable(&alt))), None);
        let top = self.y;
        let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f32;
        let mut prims = vec![Prim::Text {
            x: MARGIN,
            baseline: top + 11.0,
            face: Face::Bold,
            size: 10.0,
            color: INK,
            text: self.metrics.printable(title),
        }];
        for (i, (label, count)) in bars.iter().enumerate() {
            let y = top + 18.0 + i as f32 * row;
            let mut label = self.metrics.printable(label);
            // Long labels are shortened here; the table that follows gives them in full.
            while self.metrics.width(Face::Regular, size, &label) > label_width - 8.0 && label.chars().count() > 2 {
                label.pop();
                label.pop();
                label.push('…');
            }
            let label_x = MARGIN + label_width - 6.0 - self.metrics.width(Face::Regular, size, &label);
            let length = (*count as f32 / max * bar_space).max(1.0);
            let value = count.to_string();
            prims.push(Prim::Text {
                x: label_x,
                baseline: y + 9.5,
                face: Face::Regular,
                size,
                color: INK,
                text: label,
            });
            prims.push(Prim::Rect { x: MARGIN + label_width, y: y + 1.0, width: length, height: 11.0, color: ACCENT });
            prims.push(Prim::Text {
                x: MARGIN + label_width + length + 4.0,
                baseline: y + 9.5,
                face: Face::Regular,
                size,
                color: INK,
                text: value,
            });
        }
        self.op(Mark::Other(figure), prims);
        self.y = top + height + 4.0;
    }
}

fn fill(surface: &mut Surface<'_>, (r, g, b): (u8, u8, u8)) {
    surface.set_fill(Some(Fill { paint: rgb::Color::new(r, g, b).into(), ..Default::default() }));
}

fn draw(surface: &mut Surface<'_>, prims: &[Prim], fonts: &[Font; 2]) {
    for prim in prims {
        match prim {
            Prim::Text { x, baseline, face, size, color, text } => {
                fill(surface, *color);
                let font = match face {
                    Face::Regular => fonts[0].clone(),
                    Face::Bold => fonts[1].clone(),
                };
                surface.draw_text(Point::from_xy(*x, *baseline), font, *size, text, false, TextDirection::Auto);
            }
            Prim::Rect { x, y, width, height, color } => {
                let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) else { continue };
                let mut path = PathBuilder::new();
                path.push_rect(rect);
                if let Some(path) = path.finish() {
                    fill(surface, *color);
                    surface.draw_path(&path);
                }
            }
        }
    }
}

fn tag_group(layout: &Layout<'_>, index: usize, ids: &mut [Option<Identifier>]) -> TagGroup {
    let group = &layout.groups[index];
    let mut out = TagGroup::new(group.tag.clone());
    for child in &group.children {
        match child {
            Child::Group(g) => out.push(tag_group(layout, *g, ids)),
            Child::Op(op) => {
                if let Some(id) = ids[*op].take() {
                    out.push(id);
                }
            }
        }
    }
    out
}

fn outline_node(headings: &[Heading], i: usize) -> (OutlineNode, usize) {
    let h = &headings[i];
    let mut node = OutlineNode::new(h.text.clone(), XyzDestination::new(h.page, Point::from_xy(MARGIN, h.y)));
    let mut next = i + 1;
    while next < headings.len() && headings[next].level > h.level {
        let (child, after) = outline_node(headings, next);
        node.push_child(child);
        next = after;
    }
    (node, next)
}

fn outline(headings: &[Heading]) -> Outline {
    let mut outline = Outline::new();
    let mut i = 0;
    while i < headings.len() {
        let (node, next) = outline_node(headings, i);
        outline.push_child(node);
        i = next;
    }
    outline
}

/// The `.pdf` bytes. Deterministic: no date is written, the same document gives the same bytes.
pub fn render(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> Result<Vec<u8>, String> {
    let metrics = Metrics::new()?;
    let mut layout = Layout::new(&metrics);
    let mut title = String::new();
    for block in blocks(document, inputs) {
        match block {
            Block::Title(text) => {
                layout.title(&text);
                title = text;
            }
            Block::Heading { level, text } => layout.heading(level, &text),
            Block::Paragraph(text) => layout.paragraph(&text),
            Block::Quote(text) => layout.quote(&text),
            Block::List(lines) => layout.list(&lines),
            Block::Table { name, header, rows } => layout.table(&name, &header, &rows),
            Block::Chart { title, bars } => layout.chart(&title, &bars),
        }
    }

    let configuration = ConfigurationBuilder::new()
        .set_validator(Validator::Ua(Accessibility::UA1))
        .finish()
        .map_err(|e| format!("PDF : configuration : {e:?}"))?;
    let settings = SerializeSettings { configuration, ..Default::default() };
    let mut pdf = Document::new_with(settings);
    let font = |data: &'static [u8]| Font::new(data.into(), 0).ok_or("PDF : police illisible");
    let fonts = [font(fonts::REGULAR)?, font(fonts::BOLD)?];
    let mut ids: Vec<Option<Identifier>> = (0..layout.next_op).map(|_| None).collect();
    let total = layout.pages.len();
    let footer_title = metrics.printable(&title);
    for (index, ops) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or("PDF : format de page")?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            let tag = match op.mark {
                Mark::Span(_) => ContentTag::Span(SpanTag::empty()),
                Mark::Other(_) => ContentTag::Other,
                Mark::Artifact(kind) => ContentTag::Artifact(Artifact::with_kind(kind)),
            };
            let id = surface.start_tagged(tag);
            draw(&mut surface, &op.prims, &fonts);
            surface.end_tagged();
            if !matches!(op.mark, Mark::Artifact(_)) {
                ids[op.id] = Some(id);
            }
        }
        let footer = format!("{footer_title} — page {} / {total}", index + 1);
        let width = metrics.width(Face::Regular, 8.5, &footer);
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Footer)));
        draw(
            &mut surface,
            &[Prim::Text {
                x: PAGE_WIDTH - MARGIN - width,
                baseline: PAGE_HEIGHT - 28.0,
                face: Face::Regular,
                size: 8.5,
                color: MUTED,
                text: footer,
            }],
            &fonts,
        );
        surface.end_tagged();
        surface.finish();
        page.finish();
    }

    let mut tree = TagTree::new().with_lang(Some("fr-FR".into()));
    for root in &layout.roots {
        tree.push(tag_group(&layout, *root, &mut ids));
    }
    pdf.set_tag_tree(tree);
    pdf.set_outline(outline(&layout.headings));
    pdf.set_metadata(
        Metadata::new()
            .title(title)
            .language("fr-FR".into())
            .creator("Essaim".into())
            .producer(format!("Essaim {}", env!("CARGO_PKG_VERSION"))),
    );
    pdf.finish().map_err(|e| format!("PDF : {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_spaces_and_long_words_are_cut() {
        let m = Metrics::new().unwrap();
        let text = "Développer les coopérations entre structures de l'économie sociale et solidaire";
        let lines = m.wrap(Face::Regular, 10.0, text, 150.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for line in &lines {
            assert!(m.width(Face::Regular, 10.0, line) <= 150.0, "{line}");
        }
        let french = m.wrap(Face::Regular, 10.0, "une relation privilégiée ? « oui » : bien sûr", 90.0);
        assert!(french.len() > 2);
        for line in &french {
            assert!(!line.starts_with([':', '?', '»']) && !line.ends_with('«'), "{french:?}");
        }
        let long = "a".repeat(200);
        let cut = m.wrap(Face::Regular, 10.0, &long, 100.0);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long);
        assert_eq!(m.wrap(Face::Regular, 10.0, "", 100.0), vec![String::new()]);
    }

    #[test]
    fn characters_the_font_lacks_become_question_marks() {
        let m = Metrics::new().unwrap();
        assert_eq!(m.printable("Économie « sociale » — 10 €"), "Économie « sociale » — 10 €");
        assert_eq!(m.printable("ok 中文\u{7}"), "ok ???");
        assert_eq!(m.printable("a\u{ffff}b\u{fffe}"), "a?b?", "glyph 0 is the missing-glyph box");
    }

    /// Every line of text drawn inside the page's margins.
    fn assert_inside_margins(layout: &Layout<'_>) {
        for (page, ops) in layout.pages.iter().enumerate() {
            for op in ops {
                for prim in &op.prims {
                    if let Prim::Text { x, baseline, face, size, text, .. } = prim {
                        let right = x + layout.metrics.width(*face, *size, text.trim_end());
                        assert!(*baseline > MARGIN && *baseline <= BOTTOM, "page {page}: {text:.40} at y {baseline}");
                        assert!(
                            *x >= MARGIN && right <= PAGE_WIDTH - MARGIN + 0.5,
                            "page {page}: {text:.40} to x {right}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn nothing_is_drawn_outside_the_page_whatever_the_sizes() {
        let m = Metrics::new().unwrap();
        let mut layout = Layout::new(&m);
        layout.title(&"Titre très long ".repeat(40));
        layout
            .chart("Contributions par département", &(0..20).map(|i| (format!("Département {i}"), 100 - i)).collect());
        // A cell of 30,000 characters continues over pages; none of them is lost.
        let cell = "x".repeat(30_000);
        layout.table("Paramètres", &["Paramètre".into(), "Valeur".into()], &[("Empreinte".into(), cell.clone())]);
        let drawn: usize = layout
            .pages
            .iter()
            .flatten()
            .filter(|op| matches!(op.mark, Mark::Span(_)))
            .flat_map(|op| &op.prims)
            .map(|p| match p {
                Prim::Text { text, .. } => text.matches('x').count(),
                Prim::Rect { .. } => 0,
            })
            .sum();
        assert_eq!(drawn, 30_000);
        assert!(layout.pages.len() > 3);
        // A long list item near the foot of a page: its bullet moves with its text.
        layout.y = BOTTOM - 5.0;
        layout.list(&[format!("Territoires : {}", "Loire-Atlantique (44) 1, ".repeat(300))]);
        assert_inside_margins(&layout);
    }

    #[test]
    fn parts_start_a_page_except_the_first_and_headings_keep_with_text() {
        let m = Metrics::new().unwrap();
        let mut layout = Layout::new(&m);
        layout.title("Projet de stratégie");
        layout.heading(1, "Participation");
        assert_eq!(layout.page(), 0, "the first part follows the title");
        layout.paragraph("Texte.");
        layout.heading(1, "Thème 1");
        assert_eq!(layout.page(), 1, "a later part starts a page");
        // A heading near the bottom moves to the next page with what follows.
        layout.y = BOTTOM - 20.0;
        layout.heading(2, "Orientation 1.1");
        assert_eq!(layout.page(), 2);
        assert_eq!(layout.headings.last().unwrap().page, 2);
    }
}

//! PDF for publication: A4, the built-in DejaVu Sans embedded (subset), and tagged for
//! assistive technology — headings, paragraphs, lists, tables with header cells, quotes and
//! figures with text alternatives, page furniture marked as artifacts, the document's language,
//! bookmarks for every heading. krilla's PDF/UA-1 validator runs on every export: a
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
use krilla::SerializeSettings;

use crate::charts::{chart_bars, text_alternative};
use crate::fonts;
use crate::table::Grid;
use crate::text::{Face, Metrics};
use crate::{contents_entries, heading_level, Block, Document, DocumentError, Picture, CONTENTS_TITLE};

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

/// How a run of text looks.
#[derive(Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    color: (u8, u8, u8),
}

/// One shape of a page, in points from the top-left corner.
enum Prim {
    Text {
        x: f32,
        baseline: f32,
        face: Face,
        size: f32,
        color: (u8, u8, u8),
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        color: (u8, u8, u8),
    },
    /// Rectangles filled as one path (x, y, width, height), so that squares side by side show
    /// no seam between them when the page is rasterised (a QR code must scan from paper).
    Rects {
        rects: Vec<(f32, f32, f32, f32)>,
        color: (u8, u8, u8),
    },
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

/// How a table's columns are laid out.
struct Columns<'a> {
    /// Widths in points.
    widths: &'a [f32],
    /// Which columns hold figures (aligned to the right).
    figures: &'a [bool],
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
    /// Whether the first page is a cover (it has no footer).
    cover: bool,
    /// The printed page of each entry of the table of contents, known from a first pass.
    contents_pages: Vec<usize>,
    /// Where the headings of the table of contents start in `headings`.
    contents_from: Option<usize>,
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
            cover: false,
            contents_pages: Vec::new(),
            contents_from: None,
        }
    }

    /// Lays out every block; `contents_pages` are the pages of the table of contents' entries
    /// (empty on the first pass: the entries take the same room without their numbers).
    fn of(metrics: &'m Metrics, document: &Document, contents_pages: Vec<usize>) -> Self {
        let mut layout = Layout::new(metrics);
        layout.contents_pages = contents_pages;
        for (at, block) in document.blocks.iter().enumerate() {
            match block {
                Block::Title(text) => layout.title(text),
                Block::Cover { title, subtitle, details } => layout.cover(title, subtitle, details),
                Block::Contents => layout.contents(&contents_entries(&document.blocks, at)),
                Block::Image(picture) => layout.picture(picture),
                Block::Heading { level, text } => layout.heading(*level, text),
                Block::Paragraph(text) => layout.paragraph(text),
                Block::Quote(text) => layout.quote(text),
                Block::List(lines) => layout.list(lines),
                Block::Table { name, header, rows } => layout.table(name, header, rows),
                Block::Chart { title, bars } => layout.chart(title, bars),
            }
        }
        layout
    }

    /// The printed page of each heading listed by the table of contents.
    fn pages_of_contents(&self) -> Vec<usize> {
        let Some(from) = self.contents_from else { return Vec::new() };
        self.headings[from..].iter().filter(|h| h.level <= 2).map(|h| h.page + 1).collect()
    }

    fn cover(&mut self, title: &str, subtitle: &str, details: &[String]) {
        self.cover = self.page() == 0;
        self.y = PAGE_HEIGHT * 0.28;
        self.rule(MARGIN, self.y - 18.0, 64.0, 5.0, ACCENT);
        let g = self.group(Tag::Hn(NonZeroU16::MIN, Some(title.to_owned())), None);
        self.lines(g, (MARGIN, CONTENT_WIDTH), Style { face: Face::Bold, size: 26.0, color: ACCENT }, title);
        self.y += 12.0;
        if !subtitle.is_empty() {
            let p = self.group(Tag::P, None);
            self.lines(p, (MARGIN, CONTENT_WIDTH), Style { face: Face::Regular, size: 15.0, color: INK }, subtitle);
            self.y += 28.0;
        }
        for line in details {
            let p = self.group(Tag::P, None);
            self.lines(p, (MARGIN, CONTENT_WIDTH), Style { face: Face::Regular, size: 11.5, color: MUTED }, line);
            self.y += 4.0;
        }
        self.new_page();
        // The first part then starts on a page of its own.
        self.parts = self.parts.max(1);
    }

    fn contents(&mut self, entries: &[(u8, &str)]) {
        if !self.at_top() {
            self.new_page();
        }
        let h = self.group(Tag::Hn(NonZeroU16::new(2).expect("not zero"), Some(CONTENTS_TITLE.to_owned())), None);
        self.lines(h, (MARGIN, CONTENT_WIDTH), Style { face: Face::Bold, size: 16.0, color: ACCENT }, CONTENTS_TITLE);
        self.y += 8.0;
        self.contents_from = Some(self.headings.len());
        let toc = self.group(Tag::TOC, None);
        // Room on the right for the page numbers.
        let number_width = 34.0;
        for (i, (level, text)) in entries.iter().enumerate() {
            let (face, size, indent) =
                if *level == 1 { (Face::Bold, 11.0, 0.0) } else { (Face::Regular, BODY_SIZE, 18.0) };
            if *level == 1 {
                self.space(5.0);
            }
            let item = self.group(Tag::TOCI, Some(toc));
            let p = self.group(Tag::P, Some(item));
            self.lines(
                p,
                (MARGIN + indent, CONTENT_WIDTH - indent - number_width),
                Style { face, size, color: INK },
                text,
            );
            let Some(page) = self.contents_pages.get(i) else { continue };
            let number = page.to_string();
            let height = size * LEADING;
            let baseline = self.y - height + (height - size) / 2.0 + size * ASCENT;
            let x = MARGIN + CONTENT_WIDTH - self.metrics.width(face, size, &number);
            self.op(Mark::Span(p), vec![Prim::Text { x, baseline, face, size, color: INK, text: number }]);
        }
        self.parts = self.parts.max(1);
    }

    fn picture(&mut self, picture: &Picture) {
        let side = (picture.width_mm as f32 * 72.0 / 25.4).min(CONTENT_WIDTH);
        self.space(6.0);
        self.ensure(side + 6.0);
        let figure = self.group(Tag::Figure(Some(self.metrics.printable(&picture.alt))), None);
        let module = side / picture.side.max(1) as f32;
        let (left, top) = (MARGIN + (CONTENT_WIDTH - side) / 2.0, self.y);
        let rects = picture
            .dark_runs()
            .into_iter()
            .map(|(y, x, run)| (left + x as f32 * module, top + y as f32 * module, run as f32 * module, module))
            .collect();
        self.op(
            Mark::Other(figure),
            vec![
                Prim::Rect { x: left, y: top, width: side, height: side, color: (255, 255, 255) },
                Prim::Rects { rects, color: (0, 0, 0) },
            ],
        );
        self.y = top + side + 6.0;
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
        for line in lines {
            self.ensure(height);
            if !line.is_empty() {
                // A line keeps the space its break replaces (see `wrap`), so copied or
                // read-aloud text does not run words together.
                let text = line;
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
        let level = heading_level(level);
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

    fn table(&mut self, name: &str, header: &[String], rows: &[Vec<String>]) {
        let Some(grid) = Grid::new(header, rows) else { return };
        let size = 9.5;
        let pad = 4.0;
        let widths: Vec<f32> = grid.shares(self.metrics).iter().map(|s| s * CONTENT_WIDTH).collect();
        let figures: Vec<bool> = (0..grid.columns).map(|c| grid.is_figures(c)).collect();
        let line = size * LEADING;
        let wrap = |m: &Metrics, face: Face, cells: &[&str]| -> Vec<Vec<String>> {
            cells.iter().zip(&widths).map(|(text, w)| m.wrap(face, size, &m.printable(text), w - 2.0 * pad)).collect()
        };
        let tallest = |lines: &[Vec<String>]| lines.iter().map(Vec::len).max().unwrap_or(1);
        let header_lines = wrap(self.metrics, Face::Bold, &grid.header);
        let header_height = tallest(&header_lines) as f32 * line + 2.0 * pad;
        // Caption, header and the first row stay together.
        self.space(4.0);
        self.ensure(size * LEADING + header_height + line + 2.0 * pad);
        let table = self.group(Tag::Table, None);
        let caption = self.group(Tag::Caption, Some(table));
        self.lines(caption, (MARGIN, CONTENT_WIDTH), Style { face: Face::Bold, size, color: INK }, name);
        let head = self.group(Tag::THead, Some(table));
        let tr = self.group(Tag::TR, Some(head));
        let cells: Vec<usize> =
            (0..grid.columns).map(|_| self.group(Tag::TH(TableHeaderScope::Column), Some(tr))).collect();
        // A figures column has its header aligned to the right too, above the figures.
        let columns = Columns { widths: &widths, figures: &figures };
        self.table_row(Some(&cells), &header_lines, header_height, Face::Bold, size, &columns, true);
        let body = self.group(Tag::TBody, Some(table));
        // A row taller than a page (a cell of thousands of words) continues on the next pages.
        let page_lines = (((BOTTOM - MARGIN - header_height - 2.0 * pad) / line).floor() as usize).max(1);
        for row in &grid.rows {
            let lines = wrap(self.metrics, Face::Regular, row);
            let tr = self.group(Tag::TR, Some(body));
            let cells: Vec<usize> = (0..grid.columns).map(|_| self.group(Tag::TD, Some(tr))).collect();
            for start in (0..tallest(&lines)).step_by(page_lines) {
                let part: Vec<Vec<String>> =
                    lines.iter().map(|column| column.iter().skip(start).take(page_lines).cloned().collect()).collect();
                let height = tallest(&part) as f32 * line + 2.0 * pad;
                if self.ensure(height) {
                    // The header row again on the new page, as page furniture.
                    self.table_row(None, &header_lines, header_height, Face::Bold, size, &columns, true);
                }
                self.table_row(Some(&cells), &part, height, Face::Regular, size, &columns, false);
            }
        }
        self.y += 8.0;
    }

    /// One row of a table; `cells` is `None` for a repeated header (an artifact).
    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        cells: Option<&[usize]>,
        lines: &[Vec<String>],
        height: f32,
        face: Face,
        size: f32,
        columns: &Columns<'_>,
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
        for (column, column_lines) in lines.iter().enumerate() {
            let width = columns.widths[column];
            for (i, text) in column_lines.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let baseline = top + pad + i as f32 * size * LEADING + (size * LEADING - size) / 2.0 + size * ASCENT;
                // Figures are aligned to the right of their column.
                let left = if columns.figures[column] {
                    x + width - pad - self.metrics.width(face, size, text.trim_end())
                } else {
                    x + pad
                };
                let prim = Prim::Text { x: left, baseline, face, size, color: INK, text: text.clone() };
                match cells {
                    Some(cells) => self.op(Mark::Span(cells[column]), vec![prim]),
                    None => self.op(Mark::Artifact(ArtifactType::Layout), vec![prim]),
                }
            }
            x += width;
        }
        let weight = if header { 1.0 } else { 0.5 };
        self.rule(MARGIN, top + height - weight, CONTENT_WIDTH, weight, if header { ACCENT } else { RULE });
        self.y = top + height;
    }

    fn chart(&mut self, title: &str, bars: &[(String, usize)]) {
        let bars = chart_bars(bars);
        let size = 9.0;
        let row = 16.0;
        let label_width = CONTENT_WIDTH * 0.38;
        let bar_space = CONTENT_WIDTH * 0.50;
        let height = 18.0 + row * bars.len().max(1) as f32;
        self.space(6.0);
        self.ensure(height + 6.0);
        let alt = text_alternative(title, &bars);
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
            Prim::Rects { rects, color } => {
                let mut path = PathBuilder::new();
                for (x, y, width, height) in rects {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                        path.push_rect(rect);
                    }
                }
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
pub(crate) fn render(document: &Document) -> Result<Vec<u8>, DocumentError> {
    let metrics = Metrics::new()?;
    let mut layout = Layout::of(&metrics, document, Vec::new());
    // A table of contents needs the pages of what follows it: a second pass writes them in
    // (they take no more room than the first pass left, so nothing moves).
    if layout.contents_from.is_some() {
        let pages = layout.pages_of_contents();
        layout = Layout::of(&metrics, document, pages);
    }

    let configuration = ConfigurationBuilder::new()
        .set_validator(Validator::Ua(Accessibility::UA1))
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("configuration : {e:?}")))?;
    let settings = SerializeSettings { configuration, ..Default::default() };
    let mut pdf = krilla::Document::new_with(settings);
    let font = |data: &'static [u8]| {
        Font::new(data.into(), 0).ok_or_else(|| DocumentError::Font("illisible pour le PDF".into()))
    };
    let fonts = [font(fonts::REGULAR)?, font(fonts::BOLD)?];
    let mut ids: Vec<Option<Identifier>> = (0..layout.next_op).map(|_| None).collect();
    let total = layout.pages.len();
    let title = document.title.clone();
    let footer_title = metrics.printable(&title);
    for (index, ops) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| DocumentError::Pdf("format de page".into()))?;
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
        if index == 0 && layout.cover {
            surface.finish();
            page.finish();
            continue;
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

    let mut tree = TagTree::new().with_lang(Some(document.language.clone()));
    for root in &layout.roots {
        tree.push(tag_group(&layout, *root, &mut ids));
    }
    pdf.set_tag_tree(tree);
    pdf.set_outline(outline(&layout.headings));
    pdf.set_metadata(
        Metadata::new()
            .title(title)
            .language(document.language.clone())
            .creator("Essaim".into())
            .producer(format!("Essaim {}", env!("CARGO_PKG_VERSION"))),
    );
    pdf.finish().map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::MAX_BARS;

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
        // More bars than a chart shows: the largest and one for the rest.
        let bars: Vec<(String, usize)> = (0..101).map(|i| (format!("Département {i}"), 200 - i)).collect();
        layout.chart("Contributions par département", &bars);
        let bars_drawn = layout.pages.iter().flatten().flat_map(|op| &op.prims);
        assert_eq!(bars_drawn.filter(|p| matches!(p, Prim::Rect { color: ACCENT, .. })).count(), MAX_BARS);
        // A cell of 30,000 characters continues over pages; none of them is lost.
        let cell = "x".repeat(30_000);
        layout.table("Paramètres", &["Paramètre".into(), "Valeur".into()], &[vec!["Empreinte".into(), cell.clone()]]);
        let drawn: usize = layout
            .pages
            .iter()
            .flatten()
            .filter(|op| matches!(op.mark, Mark::Span(_)))
            .flat_map(|op| &op.prims)
            .map(|p| match p {
                Prim::Text { text, .. } => text.matches('x').count(),
                Prim::Rect { .. } | Prim::Rects { .. } => 0,
            })
            .sum();
        assert_eq!(drawn, 30_000);
        assert!(layout.pages.len() > 3);
        // A long list item near the foot of a page: its bullet moves with its text.
        layout.y = BOTTOM - 5.0;
        layout.list(&[format!("Territoires : {}", "Loire-Atlantique (44) 1, ".repeat(300))]);
        assert_inside_margins(&layout);
    }

    /// The texts drawn as body content (not page furniture), in order.
    fn drawn_texts(layout: &Layout<'_>) -> Vec<String> {
        let ops = layout.pages.iter().flatten().filter(|op| matches!(op.mark, Mark::Span(_)));
        ops.flat_map(|op| &op.prims)
            .filter_map(|p| match p {
                Prim::Text { text, .. } => Some(text.clone()),
                Prim::Rect { .. } | Prim::Rects { .. } => None,
            })
            .collect()
    }

    #[test]
    fn long_urls_stay_inside_the_margins_in_text_and_tables() {
        let m = Metrics::new().unwrap();
        let mut layout = Layout::new(&m);
        let url = format!("https://www.example.org/{}", "chemin-tres-long/".repeat(30));
        layout.paragraph(&format!("Voir {url} pour le détail."));
        layout.quote(&format!("« {url} » (réf. demo-001)"));
        layout.list(std::slice::from_ref(&url));
        let narrow = vec!["Atelier".to_owned(), "Lien".to_owned(), "Ville".to_owned(), "Présents".to_owned()];
        layout.table("Ateliers", &narrow, &[vec!["Emploi".into(), url.clone(), "Nantes".into(), "12".into()]]);
        assert_inside_margins(&layout);
        let text: String = drawn_texts(&layout).concat();
        assert_eq!(text.matches(url.as_str()).count(), 4, "nothing of the URL is lost");
    }

    #[test]
    fn a_french_figure_in_a_narrow_column_is_never_split() {
        let m = Metrics::new().unwrap();
        let mut layout = Layout::new(&m);
        let header: Vec<String> = ["Thème", "Canal", "Territoire", "Type", "Bilan"].map(String::from).to_vec();
        let row: Vec<String> =
            ["Emploi", "Questionnaire", "Loire-Atlantique (44)", "Proposition", "10\u{202f}517 contributions"]
                .map(String::from)
                .to_vec();
        layout.table("Bilan", &header, &[row]);
        let texts = drawn_texts(&layout);
        assert!(texts.iter().any(|t| t.starts_with("10\u{202f}517")), "{texts:?}");
        assert!(!texts.iter().any(|t| t.trim_end() == "10" || t.starts_with("517")), "{texts:?}");
        assert_inside_margins(&layout);
    }

    #[test]
    fn figures_and_their_header_are_aligned_to_the_right() {
        let m = Metrics::new().unwrap();
        let mut layout = Layout::new(&m);
        let header = vec!["Canal".to_owned(), "Contributions".to_owned()];
        let rows =
            vec![vec!["En ligne".to_owned(), "10\u{202f}517".to_owned()], vec!["Atelier".to_owned(), "5".to_owned()]];
        layout.table("Par canal", &header, &rows);
        let right_edge = |wanted: &str| {
            let mut prims = layout.pages.iter().flatten().flat_map(|op| &op.prims);
            prims
                .find_map(|p| match p {
                    Prim::Text { x, face, size, text, .. } if text == wanted => Some(x + m.width(*face, *size, text)),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{wanted} not drawn"))
        };
        let edge = right_edge("5");
        assert!((right_edge("10\u{202f}517") - edge).abs() < 0.01);
        assert!((right_edge("Contributions") - edge).abs() < 0.01);
        assert!((edge - (PAGE_WIDTH - MARGIN - 4.0)).abs() < 0.01, "against the table's right edge");
        assert!((right_edge("En ligne") - right_edge("Atelier")).abs() > 1.0, "words stay aligned to the left");
    }

    #[test]
    fn tables_of_any_width_repeat_their_header_on_each_page() {
        let m = Metrics::new().unwrap();
        let mut layout = Layout::new(&m);
        let header: Vec<String> = ["Référence", "Canal", "Territoire"].map(String::from).to_vec();
        let rows: Vec<Vec<String>> =
            (0..120).map(|i| vec![format!("demo-{i:03}"), "En ligne".into(), "Vendée (85)".into()]).collect();
        layout.table("Contributions", &header, &rows);
        assert!(layout.pages.len() >= 2);
        for (page, ops) in layout.pages.iter().enumerate().skip(1) {
            let furniture: Vec<&str> = ops
                .iter()
                .filter(|op| matches!(op.mark, Mark::Artifact(_)))
                .flat_map(|op| &op.prims)
                .filter_map(|p| match p {
                    Prim::Text { text, .. } => Some(text.as_str()),
                    Prim::Rect { .. } | Prim::Rects { .. } => None,
                })
                .collect();
            assert_eq!(furniture, ["Référence", "Canal", "Territoire"], "page {page}");
        }
        let texts = drawn_texts(&layout);
        assert_eq!(texts.iter().filter(|t| t.starts_with("demo-")).count(), 120);
        assert_inside_margins(&layout);
    }

    #[test]
    fn short_quotes_and_list_items_move_whole_to_the_next_page() {
        let m = Metrics::new().unwrap();
        let mut layout = Layout::new(&m);
        layout.y = BOTTOM - 2.0 * BODY_SIZE * LEADING;
        let quote =
            format!("« Un texte {}assez long pour tenir sur quatre lignes. » (réf. demo-001)", "et encore ".repeat(24));
        assert_eq!(m.wrap(Face::Regular, BODY_SIZE, &quote, CONTENT_WIDTH - 32.0).len(), 4);
        layout.quote(&quote);
        assert_eq!(layout.page(), 1);
        let first = layout.pages[1].iter().find(|op| matches!(op.mark, Mark::Span(_))).unwrap();
        assert!(matches!(&first.prims[0], Prim::Text { text, .. } if text.starts_with("« Un texte")));
        assert!(layout.pages[0].iter().all(|op| !matches!(op.mark, Mark::Span(_))), "nothing of it left behind");
        layout.y = BOTTOM - BODY_SIZE * LEADING;
        layout.list(&[
            "Une ligne de liste qui en prend deux quand la colonne est étroite, comme ici même, voire plus.".into(),
        ]);
        assert_eq!(layout.page(), 2);
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
        // Levels beyond 3 are drawn as 3.
        layout.heading(9, "Détail");
        assert_eq!(layout.headings.last().unwrap().level, 3);
    }
}

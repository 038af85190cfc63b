//! The import's memory does not grow with the file: this test binary counts every allocation
//! (its own allocator), and an import of a file many times larger than the bound must stay
//! under it; a gzip bomb is refused with the size message, as little held.
//!
//! Only Rust's allocations are counted: the database's own cache (SQLite's, libpq's) is not
//! the import's business.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use diesel::prelude::*;
use essaim_core::schema::contributions;
use essaim_core::testing::TestDb;
use essaim_synthesis::import::{import_contributions, ImportError, ImportOptions};

struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(held, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let held = HELD.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
            PEAK.fetch_max(held, Ordering::Relaxed);
        } else {
            HELD.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The tests of this binary run one at a time: the count is the whole process's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `work` and returns its result with the most it held at once beyond what was held
/// before it.
fn peak_during<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let before = HELD.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = work();
    (result, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

const MB: usize = 1 << 20;

#[test]
fn a_file_many_times_the_bound_is_imported_within_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grand.csv");
    // 16 MB of answers of 1 kB, two themes: the whole file is four times the bound below.
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, "id,theme,text").unwrap();
    let mut written = 0;
    let mut lines = 0;
    while written < 16 * MB {
        let line = format!("r-{lines},Thème {},Réponse {lines} {}\n", lines % 2, "mot ".repeat(250));
        file.write_all(line.as_bytes()).unwrap();
        written += line.len();
        lines += 1;
    }
    drop(file);
    let options =
        ImportOptions { new_consultation: Some("Grande consultation".into()), ..ImportOptions::new("grande") };
    let (report, peak) = peak_during(|| import_contributions(&mut db.conn(), &path, &options, &mut |_| {}));
    let report = report.unwrap();
    assert_eq!(report.imported, lines);
    assert_eq!(report.themes_created, ["Thème 0", "Thème 1"]);
    println!("{} kB held at once to import {} MB", peak / 1024, written / MB);
    assert!(peak < 4 * MB, "{} MB held at once to import a {} MB file", peak / MB, written / MB);
    let stored: i64 = contributions::table.count().get_result(&mut db.conn()).unwrap();
    assert_eq!(stored, lines as i64);
}

#[test]
fn a_gzip_bomb_is_refused_with_the_size_message_holding_a_buffer() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bombe.csv.gz");
    // One gzip member of 1 MiB of zeros, repeated: about a kilobyte each, 1 GiB inflated.
    let mut member = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    member.write_all(&vec![b'0'; MB]).unwrap();
    let member = member.finish().unwrap();
    let mut bomb = Vec::with_capacity(member.len() * 1024);
    for _ in 0..1024 {
        bomb.extend_from_slice(&member);
    }
    std::fs::write(&path, &bomb).unwrap();
    drop(bomb);
    assert!(std::fs::metadata(&path).unwrap().len() < 4 * MB as u64, "a small file");
    let options = ImportOptions { max_bytes: 32 << 20, ..ImportOptions::new("x") };
    let (outcome, peak) = peak_during(|| import_contributions(&mut db.conn(), &path, &options, &mut |_| {}));
    let Err(ImportError::Read(message)) = outcome else { panic!("refused: {outcome:?}") };
    assert!(message.contains("dépasse 32 Mo une fois décompressé"), "{message}");
    println!("{} kB held at once to refuse the bomb", peak / 1024);
    assert!(peak < 2 * MB, "{} kB held at once to refuse it", peak / 1024);
}

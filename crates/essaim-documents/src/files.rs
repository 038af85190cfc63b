//! Writing a file so that no reader ever sees half of it and nobody else can redirect it.
//!
//! The bytes go to a temporary file created in the target's own folder, exclusively and under a
//! random name (`.essaim-XXXXXX`, by `tempfile`), so a symbolic link planted beside the target
//! is never followed and two writers never share a temporary file. Its permissions are set on
//! the open file before anything is written, whatever the process's umask; it is flushed to
//! disk, then renamed over the target in one step (a rename replaces a link at the target
//! rather than writing through it). A failed write removes the temporary file and leaves the
//! previous version in place.

use std::io::Write;
use std::path::Path;

use crate::DocumentError;

/// Mode of files that hold contributions (exports, reports): the owner reads and writes, the
/// group (the service's operators) reads, others nothing.
pub const CONTRIBUTIONS_MODE: u32 = 0o640;

/// Writes `bytes` to `path` atomically, the file's permissions set to `mode` (Unix; ignored
/// elsewhere). The folder must exist.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), DocumentError> {
    let error = |source: std::io::Error| DocumentError::Write { path: path.to_owned(), source };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new().prefix(".essaim-").tempfile_in(dir).map_err(error)?;
    set_mode(file.as_file(), mode).map_err(error)?;
    file.write_all(bytes).map_err(error)?;
    // On disk before the rename: after a power cut the target is the old file or the new one.
    file.as_file().sync_all().map_err(error)?;
    file.persist(path).map_err(|e| error(e.error))?;
    sync_dir(dir).map_err(error)
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // fchmod on the open file: exact (no umask), and on the file we created, not on a name.
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Makes the rename itself durable (Unix: fsync of the folder).
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn the_file_is_written_whole_and_replaces_the_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synthese.pdf");
        write_atomic(&path, b"premier", CONTRIBUTIONS_MODE).unwrap();
        write_atomic(&path, b"second", CONTRIBUTIONS_MODE).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(dir.path()), ["synthese.pdf"], "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_is_exact_whatever_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("contributions.csv");
        write_atomic(&path, b"x", CONTRIBUTIONS_MODE).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777, 0o640);
        // A file that was there with wider permissions gets the narrow ones too.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        write_atomic(&path, b"y", CONTRIBUTIONS_MODE).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victime");
        std::fs::write(&victim, b"intact").unwrap();
        let path = dir.path().join("synthese.md");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_atomic(&path, b"export", CONTRIBUTIONS_MODE).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"intact");
        assert!(!std::fs::symlink_metadata(&path).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&path).unwrap(), b"export");
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent").join("synthese.md");
        let error = write_atomic(&path, b"x", CONTRIBUTIONS_MODE).unwrap_err();
        assert!(error.to_string().starts_with(&format!("écriture de {} : ", path.display())), "{error}");
    }
}

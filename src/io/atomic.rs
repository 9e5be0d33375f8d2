//! Outputs replaced whole or not at all: a run killed at any moment (kill -9, a power cut)
//! leaves each output file as it was before or complete, never a truncated plan.json.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `path` through `write`: into a temporary file in the same folder, flushed and synced
/// to disk, then renamed over `path` (a rename within one file system is atomic on POSIX), and
/// the folder synced so that the rename itself survives a power cut. A run killed before the
/// rename leaves the old file, and at most a stray `.siting-*.part` beside it.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&mut File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut part = tempfile::Builder::new()
        .prefix(".siting-")
        .suffix(".part")
        .tempfile_in(folder)?;
    let mut out = BufWriter::new(part.as_file_mut());
    write(&mut out)?;
    out.flush()?;
    drop(out);
    part.as_file().sync_all()?;
    part.persist(path).map_err(|e| e.error)?;
    sync_folder(folder);
    Ok(())
}

/// Puts the complete file `part` in place of `path` the same way, for writers that need a path
/// of their own to write to (SQLite): synced, renamed, the folder synced.
pub(super) fn put_in_place(part: &Path, path: &Path) -> std::io::Result<()> {
    File::open(part)?.sync_all()?;
    std::fs::rename(part, path)?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_folder(folder);
    }
    Ok(())
}

/// Syncs a folder's entries, so that a rename in it survives a power cut. Not every file system
/// lets a folder be opened or synced; the file's data is safe either way.
fn sync_folder(folder: &Path) {
    if let Ok(dir) = File::open(folder) {
        dir.sync_all().ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_part() {
        let dir = tempfile::tempdir().expect("the temp dir is writable");
        let path = dir.path().join("plan.json");
        write_atomically(&path, |w| w.write_all(b"old")).expect("a first write");
        let failed = write_atomically(&path, |w| {
            w.write_all(b"half of the new")?;
            Err(std::io::Error::other("the run stops here"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).expect("still there"), b"old");
        write_atomically(&path, |w| w.write_all(b"new")).expect("a second write");
        assert_eq!(std::fs::read(&path).expect("replaced"), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listable")
            .map(|e| e.expect("an entry").file_name())
            .collect();
        assert_eq!(names, vec!["plan.json"]);
    }
}

//! The crate's errors: what went wrong, where, and what the user can do about it.

use std::fmt;
use std::path::PathBuf;

/// Where in an input file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (unreadable, empty, wrong top-level type).
    File,
    /// A 1-based line of a text file (CSV rows, or the JSON parser's position).
    Line(u64),
    /// A feature of a GeoJSON collection, GeoPackage layer or Shapefile: its 0-based index in
    /// file order and its id when it has one.
    Feature {
        /// Position in the `features` array (or the layer's rows), counting from 0.
        index: usize,
        /// The feature's `id` property, when it could be read.
        id: Option<String>,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line(line) => write!(f, "line {line}"),
            Location::Feature {
                index,
                id: Some(id),
            } => write!(f, "feature {index} (id {id:?})"),
            Location::Feature { index, id: None } => write!(f, "feature {index}"),
        }
    }
}

/// Bad input: names the file, the line or feature, the field, and the problem.
///
/// The user fixes the file and runs again; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ReadError {
    /// The file as the user named it.
    pub path: PathBuf,
    /// Where in the file.
    pub location: Location,
    /// The column or property at fault, when one is.
    pub field: Option<String>,
    /// What is wrong, in words a planner understands.
    pub problem: String,
}

impl ReadError {
    /// A problem with the file as a whole.
    pub fn file(path: impl Into<PathBuf>, problem: impl Into<String>) -> Self {
        ReadError {
            path: path.into(),
            location: Location::File,
            field: None,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.location != Location::File {
            write!(f, ": {}", self.location)?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field {field:?}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file is unreadable or malformed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A parameter is out of range or the inputs contradict each other (e.g. a quota larger than p).
    #[error("{0}")]
    Invalid(String),
    /// A map or chart could not be drawn (a defect: the inputs were already checked).
    #[error("cannot draw: {0}")]
    Render(String),
    /// An output could not be written.
    #[error("cannot write {path}: {source}", path = path.display())]
    Write {
        /// The output file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

impl Error {
    /// True when the user's input or arguments are at fault (exit status 2), not the machine.
    pub fn is_input_error(&self) -> bool {
        matches!(self, Error::Read(_) | Error::Invalid(_))
    }

    /// Wraps an I/O failure while writing `path`.
    pub fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Write {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

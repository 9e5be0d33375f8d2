//! Which columns of an input file hold the id, the weight and the kind, and what its kind values
//! mean: planners' files name them their own way (`کد`, `households`, `نوع` = `شهری`), and
//! renaming columns in every file before each run is how mistakes creep in.

use super::fields::FieldProblem;
use crate::model::AreaKind;

/// Column names and kind values of an input, where they differ from `id`, `weight`, `name`,
/// `kind` and `urban`/`rural`/`informal` (`--id-field`, `--weight-field`, `--name-field`,
/// `--kind-field`, `--kind-map`).
/// Applies to every format: CSV columns, GeoJSON properties, GeoPackage and Shapefile fields.
/// A field named on purpose must be there: a weight field that is missing is an error, not
/// a weight of 1 for everyone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldMap {
    id: Option<String>,
    weight: Option<String>,
    name: Option<String>,
    kind: Option<String>,
    /// `(value as written, kind)`, matched after [`normalise`].
    kinds: Vec<(String, AreaKind)>,
}

impl FieldMap {
    /// siting's own names: `id`, `weight`, `name`, `kind`, and the kinds spelled `urban`, `rural`,
    /// `informal`.
    pub fn new() -> Self {
        FieldMap::default()
    }

    /// The column holding ids.
    pub fn id_field(mut self, name: impl Into<String>) -> Self {
        self.id = Some(name.into());
        self
    }

    /// The column holding demand weights.
    pub fn weight_field(mut self, name: impl Into<String>) -> Self {
        self.weight = Some(name.into());
        self
    }

    /// The column holding neighbourhood names.
    pub fn name_field(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The column holding neighbourhood kinds.
    pub fn kind_field(mut self, name: impl Into<String>) -> Self {
        self.kind = Some(name.into());
        self
    }

    /// Reads the kind value `value` as `kind` (besides the kind's own name).
    pub fn kind_value(mut self, value: &str, kind: AreaKind) -> Self {
        self.kinds.push((normalise(value), kind));
        self
    }

    /// The column a file uses for one of siting's fields (`id`, `weight`, `name`, `kind`); any other
    /// field keeps its own name.
    pub(super) fn column<'a>(&'a self, field: &'a str) -> &'a str {
        self.mapped(field).unwrap_or(field)
    }

    /// Whether the user named the column of `field` (then it must be there).
    pub(super) fn is_mapped(&self, field: &str) -> bool {
        self.mapped(field).is_some()
    }

    fn mapped(&self, field: &str) -> Option<&str> {
        match field {
            "id" => self.id.as_deref(),
            "weight" => self.weight.as_deref(),
            "name" => self.name.as_deref(),
            "kind" => self.kind.as_deref(),
            _ => None,
        }
    }

    /// The kind a value names: through the map first, else `urban`, `rural` or `informal`.
    pub(super) fn kind(&self, value: &str) -> Result<AreaKind, FieldProblem> {
        let key = normalise(value);
        if let Some(&(_, kind)) = self.kinds.iter().find(|(v, _)| *v == key) {
            return Ok(kind);
        }
        key.parse::<AreaKind>().map_err(|_| {
            let mapped: Vec<&str> = self.kinds.iter().map(|(v, _)| v.as_str()).collect();
            let expected = if mapped.is_empty() {
                "urban, rural or informal (or map it: --kind-map VALUE=urban,...)".to_owned()
            } else {
                format!("urban, rural, informal or one of {}", mapped.join(", "))
            };
            FieldProblem::new(
                "kind",
                format!("unknown kind {value:?}: expected {expected}"),
            )
        })
    }
}

/// Parses `VALUE=KIND,...` (e.g. `شهری=urban,روستایی=rural`) into a field map's kind values.
pub fn parse_kind_map(text: &str) -> Result<Vec<(String, AreaKind)>, String> {
    text.split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (value, kind) = part
                .rsplit_once('=')
                .ok_or_else(|| format!("{part:?} is not VALUE=KIND (e.g. شهری=urban)"))?;
            Ok((value.trim().to_owned(), kind.trim().parse::<AreaKind>()?))
        })
        .collect()
}

/// A kind value as compared: trimmed, and with the Arabic letters that Windows-1256 files and
/// Arabic keyboards use for Persian yeh and kaf (ي, ى, ك) replaced by the Persian ones (ی, ک),
/// so `شهري` from an old shapefile matches `شهری` typed on a Persian keyboard.
fn normalise(value: &str) -> String {
    value
        .trim()
        .chars()
        .map(|c| match c {
            '\u{064A}' | '\u{0649}' => '\u{06CC}',
            '\u{0643}' => '\u{06A9}',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_values_match_across_arabic_and_persian_letters() {
        let map = parse_kind_map("شهری=urban, روستایی=rural,غیررسمی=informal")
            .expect("parses")
            .into_iter()
            .fold(FieldMap::new(), |m, (v, k)| m.kind_value(&v, k));
        assert_eq!(map.kind("شهري").ok(), Some(AreaKind::Urban));
        assert_eq!(map.kind(" روستايي ").ok(), Some(AreaKind::Rural));
        assert_eq!(map.kind("informal").ok(), Some(AreaKind::Informal));
        let err = map.kind("حومه").unwrap_err();
        assert!(err.problem.contains("شهری"), "{}", err.problem);
        assert!(parse_kind_map("شهری").is_err());
        assert!(parse_kind_map("شهری=town").is_err());
    }

    #[test]
    fn columns_are_renamed_only_where_mapped() {
        let map = FieldMap::new().weight_field("khanevar");
        assert_eq!(map.column("weight"), "khanevar");
        assert_eq!(map.column("id"), "id");
        assert_eq!(map.column("capacity"), "capacity");
        assert!(map.is_mapped("weight") && !map.is_mapped("id"));
    }
}

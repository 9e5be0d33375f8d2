//! `plan.xlsx` / `access.xlsx`: the tables a welfare office reads, as one Excel workbook
//! (`rust_xlsxwriter`): `kinds` (the figures overall, per area kind and outside every
//! neighbourhood), `centres` (each open centre with its caseload, as `centres.csv`) and
//! `neighbourhoods` (each with its coverage, as `neighbourhoods.csv`). Numbers stay numbers, so
//! the office can sort, sum and chart them.

use super::output::{CENTRE_COLUMNS, NEIGHBOURHOOD_COLUMNS};
use crate::access::{Figures, Measures};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;

/// The workbook's bytes.
pub fn xlsx_workbook(measures: &Measures) -> std::io::Result<Vec<u8>> {
    build(measures).map_err(std::io::Error::other)
}

fn build(measures: &Measures) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation time, so the same run writes the same bytes.
    workbook.set_properties(
        &DocProperties::new()
            .set_title("siting: access to centres")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let a = &measures.access;
    // The figures' columns are those of neighbourhoods.csv after its id, name and kind.
    let figure_columns = &NEIGHBOURHOOD_COLUMNS[3..];
    let mut groups: Vec<(String, &Figures)> = vec![("all".into(), &a.overall)];
    groups.extend(
        a.by_kind
            .iter()
            .flatten()
            .map(|(kind, f)| (kind.as_str().to_owned(), f)),
    );
    groups.extend(a.outside.as_ref().map(|f| ("outside".to_owned(), f)));
    let mut columns = vec!["group"];
    columns.extend(figure_columns);
    let rows = groups
        .iter()
        .map(|(group, figures)| {
            let mut row = vec![serde_json::Value::from(group.as_str())];
            let values = to_object(figures)?;
            row.extend(figure_columns.iter().map(|c| values[*c].clone()));
            Ok(row)
        })
        .collect::<Result<Vec<_>, XlsxError>>()?;
    sheet(workbook.add_worksheet(), "kinds", &columns, &rows)?;
    table(
        workbook.add_worksheet(),
        "centres",
        &CENTRE_COLUMNS,
        &measures.centres,
    )?;
    if !measures.neighbourhoods.is_empty() {
        table(
            workbook.add_worksheet(),
            "neighbourhoods",
            &NEIGHBOURHOOD_COLUMNS,
            &measures.neighbourhoods,
        )?;
    }
    workbook.save_to_buffer()
}

/// A sheet of `columns` of `rows` as serialised.
fn table<T: Serialize>(
    worksheet: &mut Worksheet,
    name: &str,
    columns: &[&str],
    rows: &[T],
) -> Result<(), XlsxError> {
    let rows = rows
        .iter()
        .map(|row| {
            let values = to_object(row)?;
            Ok(columns.iter().map(|c| values[*c].clone()).collect())
        })
        .collect::<Result<Vec<Vec<_>>, XlsxError>>()?;
    sheet(worksheet, name, columns, &rows)
}

/// A sheet: a bold header row that stays in view, then one row per item, numbers as numbers and
/// undefined values blank.
fn sheet(
    worksheet: &mut Worksheet,
    name: &str,
    columns: &[&str],
    rows: &[Vec<serde_json::Value>],
) -> Result<(), XlsxError> {
    worksheet.set_name(name)?;
    let bold = Format::new().set_bold();
    for (c, column) in (0u16..).zip(columns) {
        worksheet.write_string_with_format(0, c, *column, &bold)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, value) in (0u16..).zip(row) {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Bool(b) => {
                    worksheet.write_boolean(r, c, *b)?;
                }
                serde_json::Value::Number(n) => {
                    worksheet.write_number(r, c, n.as_f64().unwrap_or(f64::NAN))?;
                }
                serde_json::Value::String(s) => {
                    worksheet.write_string(r, c, s)?;
                }
                other => {
                    worksheet.write_string(r, c, other.to_string())?;
                }
            }
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    worksheet.autofit();
    Ok(())
}

/// A row serialised as a JSON object; a missing field reads as null.
fn to_object<T: Serialize>(row: &T) -> Result<serde_json::Value, XlsxError> {
    serde_json::to_value(row).map_err(|e| XlsxError::ParameterError(e.to_string()))
}

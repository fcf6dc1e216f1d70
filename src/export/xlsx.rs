//! Spreadsheets: tables as the sheets of one `.xlsx` workbook, numbers as numbers (so a
//! planner can sum and filter them), the header row bold and frozen, the same bytes for the
//! same tables.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// A workbook of `sheets`, each a name and its rows (the header first), as bytes.
pub fn xlsx_bytes(sheets: &[(&str, &[Vec<String>])]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation date: the same inputs give the same bytes.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name)?;
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell.parse::<f64>() {
                    Ok(x) if r > 0 && x.is_finite() => sheet.write_number(r, c, x)?,
                    _ if r == 0 => sheet.write_string_with_format(r, c, cell, &bold)?,
                    _ => sheet.write_string(r, c, cell)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    book.save_to_buffer()
}

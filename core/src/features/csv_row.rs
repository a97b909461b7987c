//! Rows of the training data (the UCI Online Shoppers Purchasing Intention columns).
//! Malformed input is refused with the line and column at fault, never guessed.

use std::collections::HashMap;
use std::fmt;

use super::input::{Month, SessionFeatures, VisitorType};

/// A session and whether it ended in a purchase.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledRow {
    pub features: SessionFeatures,
    pub revenue: bool,
}

/// What was wrong, and where (1-based line; the header is line 1).
#[derive(Clone, Debug, PartialEq)]
pub struct CsvError {
    pub line: usize,
    pub column: String,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for CsvError {}

const COLUMNS: [&str; 14] = [
    "Administrative",
    "Administrative_Duration",
    "Informational",
    "Informational_Duration",
    "ProductRelated",
    "ProductRelated_Duration",
    "BounceRates",
    "ExitRates",
    "PageValues",
    "SpecialDay",
    "Month",
    "Weekend",
    "VisitorType",
    "Revenue",
];

/// Parses the whole file. Extra columns are allowed and ignored; every column in `COLUMNS`
/// must be present.
pub fn parse_csv(text: &str) -> Result<Vec<LabelledRow>, CsvError> {
    let mut lines = text.lines().enumerate();
    let (_, header) = lines
        .next()
        .ok_or_else(|| err(1, "", "the file is empty"))?;
    let names: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(str::trim)
        .collect();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut at = [0usize; COLUMNS.len()];
    for (slot, col) in at.iter_mut().zip(COLUMNS) {
        *slot = *index
            .get(col)
            .ok_or_else(|| err(1, col, "missing column"))?;
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        rows.push(parse_row(i + 1, line, &names, &at)?);
    }
    Ok(rows)
}

fn parse_row(
    line: usize,
    text: &str,
    names: &[&str],
    at: &[usize; COLUMNS.len()],
) -> Result<LabelledRow, CsvError> {
    let fields: Vec<&str> = text.split(',').map(str::trim).collect();
    if fields.len() != names.len() {
        return Err(err(
            line,
            "",
            &format!("{} fields, the header has {}", fields.len(), names.len()),
        ));
    }
    let get = |k: usize| fields[at[k]];
    let num = |k: usize| -> Result<f32, CsvError> {
        let raw = get(k);
        let v: f32 = raw
            .parse()
            .map_err(|_| err(line, COLUMNS[k], &format!("{raw:?} is not a number")))?;
        if !v.is_finite() {
            return Err(err(
                line,
                COLUMNS[k],
                &format!("{raw:?} is not a finite number"),
            ));
        }
        if v < 0.0 {
            return Err(err(line, COLUMNS[k], &format!("{raw} is negative")));
        }
        Ok(v)
    };
    let boolean = |k: usize| -> Result<bool, CsvError> {
        match get(k).to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(err(
                line,
                COLUMNS[k],
                &format!("{other:?} is not TRUE or FALSE"),
            )),
        }
    };
    let month = Month::parse(get(10))
        .ok_or_else(|| err(line, "Month", &format!("unknown month {:?}", get(10))))?;
    let visitor = VisitorType::parse(get(12)).ok_or_else(|| {
        err(
            line,
            "VisitorType",
            &format!("unknown visitor type {:?}", get(12)),
        )
    })?;
    let features = SessionFeatures {
        administrative: num(0)?,
        administrative_duration: num(1)?,
        informational: num(2)?,
        informational_duration: num(3)?,
        product_related: num(4)?,
        product_related_duration: num(5)?,
        bounce_rate: num(6)?,
        exit_rate: num(7)?,
        page_value: num(8)?,
        special_day: num(9)?,
        month,
        weekend: boolean(11)?,
        visitor,
    };
    Ok(LabelledRow {
        features,
        revenue: boolean(13)?,
    })
}

fn err(line: usize, column: &str, message: &str) -> CsvError {
    CsvError {
        line,
        column: column.to_string(),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Administrative,Administrative_Duration,Informational,Informational_Duration,ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,PageValues,SpecialDay,Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue";
    const ROW: &str =
        "2,64.5,0,0,12,400.25,0.01,0.03,12.5,0,Nov,2,2,1,2,Returning_Visitor,FALSE,TRUE";

    #[test]
    fn parses_a_row_of_the_uci_file() {
        let rows = parse_csv(&format!("{HEADER}\n{ROW}\n")).unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert!(r.revenue);
        assert_eq!(r.features.product_related, 12.0);
        assert_eq!(r.features.month, Month(10));
        assert_eq!(r.features.visitor, VisitorType::Returning);
        assert!(!r.features.weekend);
    }

    fn fails(header: &str, row: &str) -> CsvError {
        parse_csv(&format!("{header}\n{ROW}\n{row}\n")).unwrap_err()
    }

    #[test]
    fn bad_input_names_line_and_column() {
        let e = parse_csv(&format!("{}\n{ROW}\n", HEADER.replace("PageValues,", ""))).unwrap_err();
        assert_eq!(
            (e.line, e.column.as_str(), e.message.as_str()),
            (1, "PageValues", "missing column")
        );
        let e = fails(HEADER, &ROW.replace("64.5", "abc"));
        assert_eq!((e.line, e.column.as_str()), (3, "Administrative_Duration"));
        assert!(e.to_string().contains("\"abc\" is not a number"), "{e}");
        let e = fails(HEADER, &ROW.replace("64.5", "NaN"));
        assert!(e.message.contains("finite"), "{e}");
        let e = fails(HEADER, &ROW.replace("400.25", "-3"));
        assert_eq!(e.column, "ProductRelated_Duration");
        let e = fails(HEADER, &ROW.replace("Nov", "Nox"));
        assert_eq!(e.column, "Month");
        let e = fails(HEADER, &ROW.replace("Returning_Visitor", "Robot"));
        assert_eq!(e.column, "VisitorType");
        let e = fails(HEADER, "1,2,3");
        assert!(e.message.contains("fields"), "{e}");
    }
}

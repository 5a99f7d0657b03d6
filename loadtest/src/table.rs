//! A Markdown table (GitHub's pipe tables) for the report: named columns with their alignment,
//! rows of cells, and one place that knows how a cell is written.

use std::fmt;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: names, ranges of latencies, sentences.
    Left,
    /// Numbers, so that their digits line up.
    Right,
}

/// A table: its columns, then its rows, each with one cell per column.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these columns (title and alignment) and no rows yet.
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            header: columns.iter().map(|(title, _)| (*title).to_owned()).collect(),
            align: columns.iter().map(|(_, align)| *align).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row. It has exactly one cell per column: a row that does not would shift every
    /// later cell into the wrong column, which is a bug in the report, not in the data.
    pub fn row<I>(&mut self, cells: I)
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let cells: Vec<String> = cells.into_iter().map(Into::into).collect();
        assert_eq!(cells.len(), self.header.len(), "a row of {:?} has one cell per column: {cells:?}", self.header);
        self.rows.push(cells);
    }

    /// The Markdown text, ending with a newline.
    pub fn render(&self) -> String {
        self.to_string()
    }
}

/// Writes one line of cells: `| a | b |`, an empty cell as `| |`.
fn line<'a>(f: &mut fmt::Formatter<'_>, cells: impl IntoIterator<Item = &'a str>) -> fmt::Result {
    f.write_str("|")?;
    for cell in cells {
        if cell.is_empty() {
            f.write_str(" |")?;
        } else {
            write!(f, " {} |", escape(cell))?;
        }
    }
    f.write_str("\n")
}

/// A cell's text as Markdown keeps it inside one cell: a `|` would end the cell and a line
/// break the table.
fn escape(cell: &str) -> String {
    cell.replace('|', "\\|").replace(['\r', '\n'], " ")
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        line(f, self.header.iter().map(String::as_str))?;
        line(
            f,
            self.align.iter().map(|align| match align {
                Align::Left => "---",
                Align::Right => "---:",
            }),
        )?;
        for row in &self.rows {
            line(f, row.iter().map(String::as_str))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_header_alignment_and_rows() {
        let mut table = Table::new(&[("server", Align::Left), ("connections", Align::Right), ("", Align::Left)]);
        table.row(["Mingle", "1,000", "met"]);
        table.row(["Socket.IO", "0", ""]);
        assert_eq!(
            table.render(),
            "| server | connections | |\n\
             | --- | ---: | --- |\n\
             | Mingle | 1,000 | met |\n\
             | Socket.IO | 0 | |\n"
        );
    }

    #[test]
    fn a_table_without_rows_is_its_header() {
        let table = Table::new(&[("a", Align::Right)]);
        assert_eq!(table.to_string(), "| a |\n| ---: |\n");
    }

    #[test]
    fn pipes_and_line_breaks_stay_inside_their_cell() {
        let mut table = Table::new(&[("what", Align::Left), ("how", Align::Left)]);
        table.row(["a | b", "two\nlines"]);
        assert_eq!(table.render().lines().nth(2), Some(r"| a \| b | two lines |"));
    }

    #[test]
    #[should_panic(expected = "one cell per column")]
    fn a_row_with_a_missing_cell_is_refused() {
        let mut table = Table::new(&[("a", Align::Left), ("b", Align::Left)]);
        table.row(["only one"]);
    }
}

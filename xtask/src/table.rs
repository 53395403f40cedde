//! The benchmarks' result table: one row per goal, rendered as Markdown. Uses no other module
//! of xtask.

/// One measured goal.
pub struct Row {
    pub goal: String,
    pub measured: String,
    pub target: String,
    /// Whether the target is met; `None` for a figure that is only reported.
    pub met: Option<bool>,
}

/// The rows as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut table = String::from("| Goal | Measured | Target | Met |\n|---|---|---|---|\n");
    for row in rows {
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "-",
        };
        table.push_str(&format!(
            "| {} | {} | {} | {met} |\n",
            row.goal, row.measured, row.target
        ));
    }
    table
}

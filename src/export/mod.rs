//! Exporters: what a run writes. The summary as a text table or JSON, the time series as CSV,
//! the charts as SVG (and PNG), the report page. Each exporter turns a finished run into files
//! (names and bytes); choosing the folder and writing them is the caller's business, so that a
//! run writes all of its files or none.

mod csv;
mod table;
mod xlsx;

use std::io::{self, Write};

pub use self::csv::{csv_bytes, group_intervals_csv, intervals_csv, io_error, number};
pub use table::{render_pairs, render_table, render_table_text};
pub use xlsx::xlsx_bytes;

use crate::charts::NamedChart;
use crate::html::{self, Figure};
use crate::model::Model;
use crate::plot::{self, PlotError};
use crate::report::{GroupIntervalRow, IntervalRow, Summary};

/// Writes the summary as pretty JSON with a final newline.
pub fn write_json(summary: &Summary, mut w: impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut w, summary).map_err(|e| match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    })?;
    writeln!(w)
}

/// Why an exporter could not render its files.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A table or text could not be rendered.
    #[error("rendering {file}: {source}")]
    Render {
        /// The file.
        file: String,
        /// What failed.
        source: io::Error,
    },
    /// A chart could not be drawn.
    #[error("drawing the charts: {0}")]
    Plot(#[from] PlotError),
}

/// What a finished run hands its exporters.
pub struct Run<'a> {
    /// The model run.
    pub model: &'a Model,
    /// Its summary.
    pub summary: &'a Summary,
    /// Per interval and channel.
    pub intervals: &'a [IntervalRow],
    /// Per interval and agent group.
    pub group_intervals: &'a [GroupIntervalRow],
    /// What needs attention, in plain words.
    pub warnings: &'a [String],
    /// The charts, with their SVG drawn once for every exporter that shows them.
    pub figures: &'a [(NamedChart, Figure)],
}

impl Run<'_> {
    /// Draws `charts` as SVG, ready for [`Run::figures`].
    pub fn figures(charts: Vec<NamedChart>) -> Result<Vec<(NamedChart, Figure)>, PlotError> {
        charts
            .into_iter()
            .map(|c| {
                let svg = plot::svg(&c.chart)?;
                let figure = Figure {
                    name: c.name.clone(),
                    title: c.chart.title().to_string(),
                    svg,
                };
                Ok((c, figure))
            })
            .collect()
    }
}

/// A file (name, bytes).
pub type File = (String, Vec<u8>);

/// One kind of output of a run.
pub trait Exporter {
    /// The files it writes for `run`.
    fn files(&self, run: &Run<'_>) -> Result<Vec<File>, ExportError>;
}

/// `summary.json`.
pub struct SummaryJson;

impl Exporter for SummaryJson {
    fn files(&self, run: &Run<'_>) -> Result<Vec<File>, ExportError> {
        let mut json = Vec::new();
        write_json(run.summary, &mut json).map_err(|source| ExportError::Render {
            file: "summary.json".into(),
            source,
        })?;
        Ok(vec![("summary.json".into(), json)])
    }
}

/// `intervals.csv` and `agents_intervals.csv`.
pub struct IntervalsCsv;

impl Exporter for IntervalsCsv {
    fn files(&self, run: &Run<'_>) -> Result<Vec<File>, ExportError> {
        let wd = run.model.demand.start_weekday;
        let failed = |file: &str| {
            let file = file.to_string();
            move |source| ExportError::Render { file, source }
        };
        Ok(vec![
            (
                "intervals.csv".into(),
                intervals_csv(run.intervals, wd).map_err(failed("intervals.csv"))?,
            ),
            (
                "agents_intervals.csv".into(),
                group_intervals_csv(run.group_intervals, wd)
                    .map_err(failed("agents_intervals.csv"))?,
            ),
        ])
    }
}

/// Every chart as SVG, and as PNG too when `png` is set.
pub struct Charts {
    /// Also write PNG copies.
    pub png: bool,
}

impl Exporter for Charts {
    fn files(&self, run: &Run<'_>) -> Result<Vec<File>, ExportError> {
        let mut files = Vec::new();
        for (chart, figure) in run.figures {
            if self.png {
                files.push((format!("{}.png", chart.name), plot::png(&chart.chart)?));
            }
            files.push((
                format!("{}.svg", chart.name),
                figure.svg.clone().into_bytes(),
            ));
        }
        Ok(files)
    }
}

/// `report.html`.
pub struct Report;

impl Exporter for Report {
    fn files(&self, run: &Run<'_>) -> Result<Vec<File>, ExportError> {
        let figures: Vec<Figure> = run.figures.iter().map(|(_, f)| f.clone()).collect();
        let page = html::render(run.model, run.summary, run.warnings, &figures);
        Ok(vec![("report.html".into(), page.into_bytes())])
    }
}

/// The exporters of `run --out`, in the order their files are written.
pub fn run_exporters(png: bool) -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(SummaryJson),
        Box::new(IntervalsCsv),
        Box::new(Charts { png }),
        Box::new(Report),
    ]
}

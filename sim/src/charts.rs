//! Bar charts of both sides: per policy, what users lost and what the
//! system carried (plotters, SVG).

use std::path::Path;

use plotters::prelude::*;

/// One group of bars: a label and its values (USD).
pub struct BarGroup {
    /// The policy.
    pub label: String,
    /// One value per series, USD.
    pub values: Vec<f64>,
}

/// Draws grouped bars: one group per policy, one bar per series, into
/// `area`. Values in USD, shown in thousands.
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &[&str],
    groups: &[BarGroup],
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |err: DrawingAreaErrorKind<DB::ErrorType>| format!("chart: {err:?}");
    let k = series.len().max(1) as f64;
    let ymax = groups.iter().flat_map(|g| g.values.iter().copied()).fold(0.0, f64::max) / 1e3;
    let ymin = groups.iter().flat_map(|g| g.values.iter().copied()).fold(0.0, f64::min) / 1e3;
    let pad = (ymax - ymin).max(1.0) * 0.08;
    let n = groups.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..n, (ymin - if ymin < 0.0 { pad } else { 0.0 })..(ymax + pad))
        .map_err(e)?;
    let labels: Vec<String> = groups.iter().map(|g| g.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups.len().max(1) * 2 + 1)
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            if (x - x.floor() - 0.5).abs() < 1e-6 {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc("thousand USD")
        .draw()
        .map_err(e)?;
    for (s, name) in series.iter().enumerate() {
        let color = Palette99::pick(s).to_rgba();
        let w = 0.8 / k;
        chart
            .draw_series(groups.iter().enumerate().map(|(i, g)| {
                let x0 = i as f64 + 0.1 + w * s as f64;
                let v = g.values.get(s).copied().unwrap_or(0.0) / 1e3;
                Rectangle::new([(x0, 0.0), (x0 + w * 0.9, v)], color.filled())
            }))
            .map_err(e)?
            .label(name.to_string())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(e)?;
    Ok(())
}

/// The two-sided chart: users above (equity lost, of which fees and
/// shortfall, end equity vs full liquidation), the system below (bad debt,
/// fund drawdown, backstop loss, market impact paid).
pub fn write_outcomes_svg(path: &Path, users: &[BarGroup], system: &[BarGroup]) -> Result<(), String> {
    write_two_panels_svg(
        path,
        (
            "users: equity lost to liquidation, and end equity vs full liquidation",
            &["equity lost", "fees", "execution shortfall", "end equity vs full"],
            users,
        ),
        (
            "system: bad debt, fund drawdown, backstop loss, impact paid",
            &["bad debt", "fund drawdown", "backstop loss", "impact paid"],
            system,
        ),
    )
}

/// One panel of grouped bars: its title, its series' names, its groups.
pub type Panel<'a> = (&'a str, &'a [&'a str], &'a [BarGroup]);

/// Two panels of grouped bars, one above the other (1200 × 800).
pub fn write_two_panels_svg(path: &Path, top: Panel, bottom: Panel) -> Result<(), String> {
    let root = SVGBackend::new(path, (1200, 800)).into_drawing_area();
    let e = |err: DrawingAreaErrorKind<std::io::Error>| format!("chart {}: {err}", path.display());
    root.fill(&WHITE).map_err(e)?;
    let (a, b) = root.split_vertically(400);
    bars(&a, top.0, top.1, top.2)?;
    bars(&b, bottom.0, bottom.1, bottom.2)?;
    root.present().map_err(e)?;
    Ok(())
}

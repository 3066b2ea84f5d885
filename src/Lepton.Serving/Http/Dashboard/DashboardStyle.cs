namespace Lepton.Serving.Http.Dashboard;

/// <summary>The dashboard's inline style sheet (no external fonts or files, so the page works offline).</summary>
public static class DashboardStyle
{
    public const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f4f6;color:#111827}
        header{background:#111827;color:#f9fafb;padding:12px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0;color:#d1d5db}
        nav a{color:#93c5fd;margin-right:12px}main{padding:16px 24px}
        section.model{margin-bottom:32px}section.model>h2{font-size:22px;margin:8px 0}
        .card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;margin:12px 0}.card h3{margin:0 0 8px;font-size:16px}
        table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f9fafb;font-weight:600}tr.production td{background:#ecfdf5}tr.staging td{background:#fffbeb}
        .alias{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:#e5e7eb}
        .alias-production{background:#059669;color:#fff}.alias-staging{background:#d97706;color:#fff}
        table.confusion td.cell{text-align:right;min-width:36px;font-variant-numeric:tabular-nums}table.confusion td.diag{font-weight:700}
        .scroll{overflow-x:auto}.charts{display:flex;flex-wrap:wrap;gap:12px}figure.run{margin:0}figcaption{font-weight:600;margin-bottom:4px}
        svg.chart{background:#fff;border:1px solid #f3f4f6}.params span{display:inline-block;margin-right:8px;font-size:12px}
        ol.lineage{list-style:none;padding-left:0}ol.lineage li{margin:3px 0}ol.lineage li::before{content:"↳ ";color:#9ca3af}
        .muted{color:#6b7280}.ok{color:#047857;font-weight:600}.bad{color:#b91c1c}.note{background:#fef3c7;padding:8px 12px;border-radius:6px}
        code{font-size:12px;background:#f3f4f6;padding:0 3px;border-radius:3px}
        """;
}

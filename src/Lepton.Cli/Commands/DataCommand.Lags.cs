using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class DataCommand
{
    private static Command Lags()
    {
        var reference = new Argument<string>("dataset") { Description = "The table data set version, NAME@VERSION (or NAME for the latest)." };
        var lags = new Option<string?>("--lags") { Description = "Comma-separated lags: the target's value that many observations earlier in the row's series, e.g. 1,7,28." };
        var rolling = new Option<string?>("--rolling") { Description = "Comma-separated windows: the mean of the target over that many observations before the row, e.g. 7,28." };
        var by = new Option<string?>("--by") { Description = "Comma-separated columns whose values make a series (a store and an item); none: the whole table is one series." };
        var target = new Option<string?>("--target") { Description = "The column to take lags of (default: the version's label)." };
        var time = new Option<string?>("--time") { Description = "The column that orders each series (default: the version's time column)." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("lags", """
            Record a new version of a table data set with forecasting features of its target: each row gets the target's values from
            strictly earlier rows of its own series (never its own label), so a model learns from the recent past. Lags count
            observations, not calendar steps. To forecast, add the rows to forecast with an empty target, derive, train, and answer
            them with lepton predict --data NAME@V --rows unlabelled: step by step in time, each step's lags reading the forecasts
            before it where the actual is not known yet.

            Examples:
              lepton data lags sales@2 --by store,item --lags 1,7,28 --rolling 7,28
              lepton data lags visits@1 --target visitors --time day --lags 1,2,3 --json
            """);
        cmd.Arguments.Add(reference);
        foreach (var o in new Option[] { lags, rolling, by, target, time, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var parent = await DatasetReference.Parse(p.GetValue(reference)).ResolveAsync(registry.Store, ct);
            var (version, note, table, added) = await TableDatasets.LagsAsync(registry.Store, registry.Artifacts, parent,
                new TableLagRequest(Numbers(p.GetValue(lags), "--lags"), Numbers(p.GetValue(rolling), "--rolling"), TableLagRequest.Names(p.GetValue(by)), p.GetValue(target), p.GetValue(time)),
                RegistryOptions.Actor, ct);
            var filled = added.ToDictionary(c => c, c => table.RowCount - Enumerable.Range(0, table.RowCount).Count(table[c].IsMissing));
            if (p.GetValue(json))
            {
                JsonOut.Write(new { name = version.Name, version = version.Version, parent_version = parent.Version, content_hash = version.ContentHash, rows = table.RowCount, added = filled });
                return 0;
            }
            AnsiConsole.MarkupLine($"recorded [bold]{Markup.Escape(version.Name)}@{version.Version}[/] (parent {parent.Version}): {Markup.Escape(note)}");
            foreach (var (column, rows) in filled)
                AnsiConsole.MarkupLine(Markup.Escape($"  {column}: {rows:N0} of {table.RowCount:N0} rows have it (the rest have too little history)"));
            return 0;
        }));
        return cmd;
    }

    private static IReadOnlyList<int> Numbers(string? text, string option) =>
        TableLagRequest.Numbers(text) ?? throw new ArgumentException($"{option} {text}: give whole numbers separated by commas, e.g. 1,7,28.");
}

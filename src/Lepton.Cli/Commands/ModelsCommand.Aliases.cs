using System.CommandLine;
using Lepton.Cli.Rendering;
using Lepton.Registry;
using Spectre.Console;

namespace Lepton.Cli.Commands;

public static partial class ModelsCommand
{
    private static Command Promote()
    {
        var reference = new Argument<string>("model") { Description = "name@VERSION to promote." };
        var alias = new Option<string>("--alias") { Description = "The alias to point at it.", DefaultValueFactory = _ => "production" };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("promote", "Point an alias (default production) at a version.\n\nExample:\n  lepton models promote fashion@3 --alias production");
        cmd.Arguments.Add(reference);
        foreach (var o in new Option[] { alias, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var parsed = Registry.References.ModelReference.Parse(p.GetValue(reference)!);
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var version = parsed.Kind == Registry.References.ModelReferenceKind.Folder
                ? throw new ArgumentException("promote takes name@VERSION (or name@alias), not a folder.")
                : (await registry.FindAsync(parsed, ct))!;
            var a = await registry.PromoteAsync(version.Model, version.Version, p.GetValue(alias)!, RegistryOptions.Actor, ct);
            if (p.GetValue(json)) JsonOut.Write(a);
            else AnsiConsole.MarkupLine($"[bold]{Markup.Escape(a.Model)}@{Markup.Escape(a.Alias)}[/] → version {a.Version}");
            return 0;
        }));
        return cmd;
    }

    private static Command Rollback()
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var alias = new Option<string>("--alias") { Description = "The alias to move back.", DefaultValueFactory = _ => "production" };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("rollback", "Move an alias back to the version it pointed at before.\n\nExample:\n  lepton models rollback fashion --alias production");
        cmd.Arguments.Add(name);
        foreach (var o in new Option[] { alias, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var registry = await ModelRegistry.OpenAsync(p.GetValue(store), ct);
            var a = await registry.RollbackAsync(p.GetValue(name)!, p.GetValue(alias)!, RegistryOptions.Actor, ct);
            if (p.GetValue(json)) JsonOut.Write(a);
            else AnsiConsole.MarkupLine($"[bold]{Markup.Escape(a.Model)}@{Markup.Escape(a.Alias)}[/] rolled back → version {a.Version}");
            return 0;
        }));
        return cmd;
    }

    private static Command Delete()
    {
        var reference = new Argument<string>("model") { Description = "name (every version) or name@VERSION." };
        var yes = new Option<bool>("--yes") { Description = "Confirm deleting a whole model." };
        var store = RegistryOptions.Store();
        var cmd = new Command("delete", "Delete one version (its aliases go with it) or a whole model. Version numbers are never reused.\n\nExample:\n  lepton models delete fashion@2");
        cmd.Arguments.Add(reference);
        cmd.Options.Add(yes);
        cmd.Options.Add(store);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var parsed = Registry.References.ModelReference.Parse(p.GetValue(reference)!);
            if (parsed.Kind is Registry.References.ModelReferenceKind.Folder or Registry.References.ModelReferenceKind.Alias)
                throw new ArgumentException("delete takes name or name@VERSION; to move an alias use promote or rollback.");
            if (parsed.Kind == Registry.References.ModelReferenceKind.Latest && !p.GetValue(yes))
                throw new ArgumentException($"Deleting every version of '{parsed.Name}' needs --yes.");
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            await s.DeleteModelAsync(parsed.Name!, parsed.Version, RegistryOptions.Actor, ct);
            Console.WriteLine($"deleted {p.GetValue(reference)}");
            return 0;
        }));
        return cmd;
    }
}

using System.CommandLine;
using System.Globalization;
using Lepton.Cli.Rendering;
using Lepton.Registry.Keys;
using Spectre.Console;

namespace Lepton.Cli.Commands;

/// <summary><c>lepton keys create|list|revoke</c>: API keys with scopes, stored hashed.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var cmd = new Command("keys", "API keys for the server (scopes: predict, feedback, admin). Secrets are shown once and stored hashed.");
        cmd.Subcommands.Add(CreateKey());
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(Revoke());
        return cmd;
    }

    private static Command CreateKey()
    {
        var name = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var scopes = new Option<string>("--scopes") { Description = "Comma-separated: predict, feedback, admin.", DefaultValueFactory = _ => "predict" };
        var expires = new Option<string?>("--expires") { Description = "Expiry: a duration like 30d or 12h, or a UTC date (2027-01-31)." };
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("create", "Create a key and print its secret once.\n\nExample:\n  lepton keys create --name ci --scopes predict,feedback --expires 90d");
        foreach (var o in new Option[] { name, scopes, expires, store, json }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            var scope = ApiKeys.ParseScopes(p.GetValue(scopes)!);
            var expiry = ParseExpiry(p.GetValue(expires));
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var created = await ApiKeys.CreateAsync(s, p.GetValue(name)!, scope, expiry, RegistryOptions.Actor, ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(new { id = created.Record.Id, name = created.Record.Name, scopes = ApiKeys.FormatScopes(created.Record.Scopes), expires_at = created.Record.ExpiresAt, secret = created.Secret });
                return 0;
            }
            AnsiConsole.MarkupLine($"key [bold]{created.Record.Id}[/] ({Markup.Escape(created.Record.Name)}, {ApiKeys.FormatScopes(scope)}) created.");
            AnsiConsole.MarkupLine("Secret (shown only now; send it as [grey]Authorization: Bearer <secret>[/]):");
            Console.WriteLine(created.Secret);
            return 0;
        }));
        return cmd;
    }

    private static Command List()
    {
        var store = RegistryOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("list", "List keys (never their secrets).\n\nExample:\n  lepton keys list");
        cmd.Options.Add(store);
        cmd.Options.Add(json);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            var keys = await s.ListApiKeysAsync(ct);
            if (p.GetValue(json))
            {
                JsonOut.Write(keys.Select(k => new { id = k.Id, name = k.Name, scopes = ApiKeys.FormatScopes(k.Scopes), created_at = k.CreatedAt, expires_at = k.ExpiresAt, revoked_at = k.RevokedAt }));
                return 0;
            }
            var t = new Table().Border(TableBorder.Rounded).AddColumns("id", "name", "scopes", "created (UTC)", "expires", "state");
            var now = DateTimeOffset.UtcNow;
            foreach (var k in keys)
                t.AddRow(k.Id, Markup.Escape(k.Name), ApiKeys.FormatScopes(k.Scopes), $"{k.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}",
                    k.ExpiresAt is { } e ? $"{e.UtcDateTime:yyyy-MM-dd HH:mm}" : "never",
                    k.RevokedAt is not null ? "[red]revoked[/]" : k.ExpiresAt <= now ? "[yellow]expired[/]" : "[green]active[/]");
            AnsiConsole.Console.Write(t);
            return 0;
        }));
        return cmd;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("id") { Description = "Key id (from lepton keys list)." };
        var store = RegistryOptions.Store();
        var cmd = new Command("revoke", "Revoke a key at once.\n\nExample:\n  lepton keys revoke 7");
        cmd.Arguments.Add(id);
        cmd.Options.Add(store);
        cmd.SetAction(p => CommandRunner.Run(async ct =>
        {
            await using var s = await RegistryOptions.OpenAsync(p.GetValue(store), ct);
            await s.RevokeApiKeyAsync(p.GetValue(id)!, RegistryOptions.Actor, ct);
            Console.WriteLine($"key {p.GetValue(id)} revoked");
            return 0;
        }));
        return cmd;
    }

    internal static DateTimeOffset? ParseExpiry(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            var span = char.ToLowerInvariant(text[^1]) switch
            {
                'd' => TimeSpan.FromDays(n),
                'h' => TimeSpan.FromHours(n),
                'm' => TimeSpan.FromMinutes(n),
                _ => (TimeSpan?)null,
            };
            if (span is { } s) return DateTimeOffset.UtcNow + s;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) return at;
        throw new ArgumentException($"--expires '{text}': use a duration like 30d, 12h or 90m, or a date like 2027-01-31.");
    }
}

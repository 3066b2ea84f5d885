using System.Data.Common;
using Npgsql;

namespace Lepton.Registry.Store;

/// <summary>The prediction log on PostgreSQL: a whole batch in one statement and one round trip.</summary>
public sealed partial class PostgresRegistryStore
{
    // Row-by-row inserts cost one round trip each: three replicas answering 1,500 requests/s each outran their log writers
    // (bench/replicas.sh dropped half the log). unnest() turns one array per column into the batch's rows.
    private const string InsertBatch = $"""
        INSERT INTO predictions ({PredictionColumns})
        SELECT * FROM unnest(@i::text[], @m::text[], @v::integer[], @t::bigint[], @l::double precision[], @p::text[], @s::text[], @o::text[], @r::text[])
        ON CONFLICT (id) DO NOTHING
        """;

    private protected override async Task<bool> InsertPredictionsAsync(DbConnection c, DbTransaction tx, IReadOnlyList<PredictionRecord> predictions,
        CancellationToken ct)
    {
        int n = predictions.Count;
        var ids = new string[n];
        var models = new string[n];
        var versions = new int?[n];
        var times = new long[n];
        var latencies = new double[n];
        var labels = new string?[n];
        var stats = new string?[n];
        var outputs = new string?[n];
        var raws = new string?[n];
        for (int k = 0; k < n; k++)
        {
            var p = predictions[k];
            ids[k] = p.Id;
            models[k] = p.Model;
            versions[k] = p.Version;
            times[k] = StoreClock.ToMicroseconds(p.CreatedAt);
            latencies[k] = p.LatencyMs;
            labels[k] = p.PredictedLabel;
            stats[k] = p.InputStatsJson;
            outputs[k] = p.OutputJson;
            raws[k] = p.RawInputJson;
        }
        await using var insert = new NpgsqlCommand(InsertBatch, (NpgsqlConnection)c, (NpgsqlTransaction)tx);
        insert.Parameters.AddWithValue("i", ids);
        insert.Parameters.AddWithValue("m", models);
        insert.Parameters.AddWithValue("v", versions);
        insert.Parameters.AddWithValue("t", times);
        insert.Parameters.AddWithValue("l", latencies);
        insert.Parameters.AddWithValue("p", labels);
        insert.Parameters.AddWithValue("s", stats);
        insert.Parameters.AddWithValue("o", outputs);
        insert.Parameters.AddWithValue("r", raws);
        await insert.ExecuteNonQueryAsync(ct);
        return true;
    }
}

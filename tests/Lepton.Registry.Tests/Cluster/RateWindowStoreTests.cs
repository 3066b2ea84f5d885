using Lepton.Registry.Cluster;
using Lepton.Registry.Store;
using Lepton.Registry.Tests.Store;

namespace Lepton.Registry.Tests.Cluster;

/// <summary>Shared rate windows on one throw-away PostgreSQL: claims from two replicas never add up to more than the limit.</summary>
[Collection(StoreCollection.Name)]
public sealed class RateWindowStoreTests(PostgresClusterFixture cluster)
{
    // Windows of now: the store deletes windows that ended over a minute ago.
    private static readonly long Start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000, End = Start + 1000;

    [Fact]
    public async Task Claim_TwoStoresConcurrently_GrantExactlyTheLimit()
    {
        string location = await cluster.NewSchemaAsync();
        await using var storeA = await PostgresRegistryStore.OpenAsync(location);
        await using var storeB = await PostgresRegistryStore.OpenAsync(location);
        var a = new PostgresRateWindowStore(storeA);
        var b = new PostgresRateWindowStore(storeB);

        // 2 x 20 claims of 3 against a limit of 50: 120 asked, exactly 50 granted, however the claims interleave.
        var claims = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).ClaimAsync("key:k1", Start, End, 3, 50, CancellationToken.None));
        var granted = await Task.WhenAll(claims);

        Assert.Equal(50, granted.Sum());
        Assert.All(granted, g => Assert.InRange(g, 0, 3));
        Assert.Equal(0, await a.ClaimAsync("key:k1", Start, End, 1, 50, CancellationToken.None));
    }

    [Fact]
    public async Task Claim_NextWindowOrOtherKey_HasItsOwnBudget()
    {
        await using var store = await PostgresRegistryStore.OpenAsync(await cluster.NewSchemaAsync());
        var windows = new PostgresRateWindowStore(store);
        Assert.Equal(2, await windows.ClaimAsync("key:k1", Start, End, 2, 2, CancellationToken.None));
        Assert.Equal(0, await windows.ClaimAsync("key:k1", Start, End, 1, 2, CancellationToken.None));

        Assert.Equal(2, await windows.ClaimAsync("key:k2", Start, End, 2, 2, CancellationToken.None));
        Assert.Equal(1, await windows.ClaimAsync("key:k1", End, End + 1000, 1, 2, CancellationToken.None));
    }

    [Fact]
    public async Task Claim_PartlySpentWindow_GrantsOnlyWhatIsLeft()
    {
        await using var store = await PostgresRegistryStore.OpenAsync(await cluster.NewSchemaAsync());
        var windows = new PostgresRateWindowStore(store);
        Assert.Equal(4, await windows.ClaimAsync("ip:127.0.0.1", Start, End, 4, 5, CancellationToken.None));

        Assert.Equal(1, await windows.ClaimAsync("ip:127.0.0.1", Start, End, 4, 5, CancellationToken.None));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(6, 5)]
    [InlineData(1, 0)]
    public async Task Claim_BadAmounts_Throw(int wanted, int limit)
    {
        await using var store = await PostgresRegistryStore.OpenAsync(await cluster.NewSchemaAsync());
        var windows = new PostgresRateWindowStore(store);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => windows.ClaimAsync("key:k", Start, End, wanted, limit, CancellationToken.None));
    }
}

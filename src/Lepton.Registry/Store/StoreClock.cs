namespace Lepton.Registry.Store;

/// <summary>
/// Time stamps are stored as whole microseconds since the Unix epoch (UTC) in a 64-bit integer, so both
/// backends round-trip them exactly; values are truncated to microseconds before they are stored or returned.
/// </summary>
internal static class StoreClock
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static DateTimeOffset Now() => Truncate(DateTimeOffset.UtcNow);

    public static DateTimeOffset Truncate(DateTimeOffset value) => FromMicroseconds(ToMicroseconds(value));

    public static long ToMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static long? ToMicroseconds(DateTimeOffset? value) => value is { } v ? ToMicroseconds(v) : null;

    public static DateTimeOffset FromMicroseconds(long micros) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + micros * TicksPerMicrosecond, TimeSpan.Zero);
}

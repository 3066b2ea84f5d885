using Lepton.Data.Tables.Writing;
using NpgsqlTypes;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// The column types scored rows are written as: a new column typed by its values, an existing column's type read from
/// <c>format_type</c>, and each value converted to an existing column's type or refused saying why.
/// </summary>
public sealed class PostgresColumnTypeTests
{
    [Theory]
    [InlineData("double precision", NpgsqlDbType.Double)]
    [InlineData("numeric(10,2)", NpgsqlDbType.Numeric)]
    [InlineData("character varying(40)", NpgsqlDbType.Varchar)]
    [InlineData("timestamp(3) without time zone", NpgsqlDbType.Timestamp)]
    [InlineData("timestamp with time zone", NpgsqlDbType.TimestampTz)]
    [InlineData("integer", NpgsqlDbType.Integer)]
    public void Of_ReadsAnExistingColumnsType_WithoutItsLengthOrPrecision(string formatted, NpgsqlDbType expected) =>
        Assert.Equal(expected, PostgresColumnType.Of(formatted)!.Db);

    [Theory]
    [InlineData("jsonb")]
    [InlineData("bytea")]
    [InlineData("integer[]")]
    public void Of_ATypeRowsAreNotWrittenTo_IsNull(string formatted) => Assert.Null(PostgresColumnType.Of(formatted));

    [Fact]
    public void Merge_TypesANewColumnByEveryValue()
    {
        PostgresColumnType? Typed(params object?[] values) => values.Aggregate((PostgresColumnType?)null, PostgresColumnType.Merge);
        Assert.Equal(PostgresColumnType.Whole, Typed(1.0, null, 3L, double.NaN));
        Assert.Equal(PostgresColumnType.Float, Typed(1.0, 2.5));
        Assert.Equal(PostgresColumnType.Words, Typed(1.0, "a"));
        Assert.Equal(PostgresColumnType.Flag, Typed(true, false));
        Assert.Null(Typed(null, double.NaN));
    }

    [Fact]
    public void Convert_KeepsAnExistingColumnsType_ReadingTextOfItsKind()
    {
        Assert.Equal(301L, PostgresColumnType.Of("bigint")!.Convert("301"));
        Assert.Equal(9007199254740993L, PostgresColumnType.Of("bigint")!.Convert("9007199254740993")); // past a double's exact integers
        Assert.Equal((short)7, PostgresColumnType.Of("smallint")!.Convert(7.0));
        Assert.Equal(17.55m, PostgresColumnType.Of("numeric(10,2)")!.Convert("17.55"));
        Assert.Equal(0.25f, PostgresColumnType.Of("real")!.Convert(0.25));
        Assert.Equal(true, PostgresColumnType.Of("boolean")!.Convert("true"));
        Assert.Equal("0.5", PostgresColumnType.Of("text")!.Convert(0.5));
        Assert.Null(PostgresColumnType.Of("double precision")!.Convert(double.NaN));
        var utc = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var wall = (DateTime)PostgresColumnType.Of("timestamp without time zone")!.Convert(utc)!;
        Assert.Equal((DateTimeKind.Unspecified, utc.Ticks), (wall.Kind, wall.Ticks));
        Assert.Equal(new DateOnly(2025, 1, 2), PostgresColumnType.Of("date")!.Convert("2025-01-02T03:04:05Z"));
    }

    [Theory]
    [InlineData("integer", 0.5, "is not a whole number")]
    [InlineData("smallint", 40000.0, "is outside the column's range")]
    [InlineData("real", 1e300, "is outside the column's range")]
    [InlineData("numeric(10,2)", 1e300, "is outside the column's range")]
    [InlineData("double precision", "north", "is not a number")]
    [InlineData("boolean", 1.0, "is not true or false")]
    [InlineData("timestamp with time zone", "soon", "is not a date or time")]
    public void Convert_AValueTheColumnCannotHold_IsRefusedSayingWhy(string column, object value, string why) =>
        Assert.Equal(why, Assert.Throws<FormatException>(() => PostgresColumnType.Of(column)!.Convert(value)).Message);
}

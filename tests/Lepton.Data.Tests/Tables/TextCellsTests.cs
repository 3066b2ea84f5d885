using Lepton.Data.Tables.Reading;

namespace Lepton.Data.Tests.Tables;

/// <summary>The reader's text buffer: cells and missing cells in order, growth past its first size, one string per distinct value.</summary>
public sealed class TextCellsTests
{
    [Fact]
    public void Add_ManyCellsAndMissing_ReadBackInOrderAndEqualValuesShareOneString()
    {
        var cells = new TextCells();
        for (int i = 0; i < 50_000; i++)
        {
            if (i % 7 == 3) cells.AddMissing();
            else cells.Add($"v{i % 100}");
        }
        Assert.Equal(50_000, cells.Count);
        Assert.True(cells.IsMissing(3));
        Assert.Equal("v4", cells[4].ToString());
        Assert.Equal("v99", cells.GetString(49_999));
        var strings = cells.ToStrings();
        Assert.Null(strings[10]);
        Assert.Same(strings[1], strings[201]);
        Assert.Equal(0, cells[3].Length);
    }

    [Fact]
    public void Add_EmptyText_PresentNotMissing()
    {
        var cells = TextCells.From(["", null, "x"]);
        Assert.False(cells.IsMissing(0));
        Assert.True(cells.IsMissing(1));
        Assert.Equal(["", null, "x"], cells.ToStrings().AsEnumerable());
    }
}

using Lepton.Data.Images.Augmentation;

namespace Lepton.Data.Tests.Images.Augmentation;

public class ContactSheetTests
{
    [Fact]
    public void Compose_GrayCells_EnlargedByWholeFactorInsideBorders()
    {
        // Two rows of two 2x3 gray images whose pixels encode (row, column, pixel).
        var cells = Enumerable.Range(0, 2).Select(r => (IReadOnlyList<byte[]>)Enumerable.Range(0, 2)
            .Select(c => Enumerable.Range(0, 6).Select(p => (byte)(100 + r * 40 + c * 20 + p)).ToArray()).ToList()).ToList();
        var sheet = ContactSheet.Compose(cells, 2, 3, 1, null, null, new ContactSheetOptions(MinCell: 6, Border: 1, Captions: false));
        // Scale 2: cells 4x6, plus 1 px borders: width 2 * (6 + 1) + 1, height 2 * (4 + 1) + 1.
        Assert.Equal((15, 11, 3), (sheet.Width, sheet.Height, sheet.Channels));
        byte At(int x, int y) => sheet.Pixels[(y * sheet.Width + x) * 3 + 1];
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 4; y++)
                    for (int x = 0; x < 6; x++)
                        Assert.Equal(100 + r * 40 + c * 20 + (y / 2) * 3 + x / 2, At(1 + c * 7 + x, 1 + r * 5 + y));
        Assert.Equal(160, At(0, 0)); // border
        Assert.Equal(160, At(7, 3));
    }
}

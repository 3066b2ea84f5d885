using Lepton.Data.Images.Augmentation;
using Lepton.Engine;

namespace Lepton.Data.Tests.Images.Augmentation;

public class ImageAugmenterTests
{
    /// <summary>An (H,W,C) image of seeded random bytes.</summary>
    internal static byte[] RandomImage(int height, int width, int channels, ulong seed)
    {
        var g = new Generator(seed);
        var image = new byte[height * width * channels];
        for (int i = 0; i < image.Length; i++) image[i] = (byte)g.NextInt(256);
        return image;
    }

    private static byte At(byte[] image, int width, int channels, int y, int x, int c) => image[(y * width + x) * channels + c];

    private static byte[] Apply(AugmentationSpec spec, byte[] source, int h, int w, int c, in AugmentationDraw draw, byte[]? fill = null)
    {
        var result = new byte[source.Length];
        new ImageAugmenter(spec).Apply(source, result, h, w, c, draw, fill);
        return result;
    }

    [Fact]
    public void Apply_IdentityDraw_ReturnsSourceBytes()
    {
        var source = RandomImage(9, 7, 3, 1);
        var spec = AugmentationSpec.Parse("zoom=0.5,rotate=30");
        Assert.Equal(source, Apply(spec, source, 9, 7, 3, AugmentationDraw.Identity));
        // Zoom factor 1 and angle 0 through the warp itself, not only the copy shortcut.
        var warped = new byte[source.Length];
        AffineWarp.Warp(source, warped, 9, 7, 3, AffineMap.Compose(9, 7, false, false, 0, 0, 1, 0, 0), AugmentationFill.Nearest);
        Assert.Equal(source, warped);
    }

    [Fact]
    public void Apply_FlipX_MirrorsColumnsExactly()
    {
        var source = RandomImage(5, 8, 3, 2);
        var result = Apply(AugmentationSpec.Parse("flip"), source, 5, 8, 3, AugmentationDraw.Identity with { FlipX = true });
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 8; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(At(source, 8, 3, y, 7 - x, c), At(result, 8, 3, y, x, c));
    }

    [Fact]
    public void Apply_FlipY_MirrorsRowsExactly()
    {
        var source = RandomImage(6, 4, 1, 3);
        var result = Apply(AugmentationSpec.Parse("vflip"), source, 6, 4, 1, AugmentationDraw.Identity with { FlipY = true });
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 4; x++)
                Assert.Equal(At(source, 4, 1, 5 - y, x, 0), At(result, 4, 1, y, x, 0));
    }

    [Theory]
    [InlineData(90)]
    [InlineData(-90)]
    public void Apply_Rotate90_MatchesTransposeThenFlip(double degrees)
    {
        const int n = 7, channels = 3;
        var source = RandomImage(n, n, channels, 4);
        var result = Apply(AugmentationSpec.Parse("rotate=90"), source, n, n, channels, AugmentationDraw.Identity with { Angle = degrees * Math.PI / 180 });
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                for (int c = 0; c < channels; c++)
                {
                    // A quarter turn is the transpose with one axis reversed; which axis depends on the direction.
                    byte expected = degrees > 0 ? At(source, n, channels, n - 1 - x, y, c) : At(source, n, channels, x, n - 1 - y, c);
                    Assert.Equal(expected, At(result, n, channels, y, x, c));
                }
    }

    [Fact]
    public void Apply_Rotate90_ChangesTheImage()
    {
        // Guards the rotation test against a warp that ignores the angle.
        var source = RandomImage(7, 7, 1, 5);
        Assert.NotEqual(source, Apply(AugmentationSpec.Parse("rotate=90"), source, 7, 7, 1, AugmentationDraw.Identity with { Angle = Math.PI / 2 }));
    }

    [Fact]
    public void Apply_Brightness_ScalesTheMean()
    {
        var source = RandomImage(16, 16, 3, 6).Select(v => (byte)(64 + v / 4)).ToArray(); // 64..127: no clamping
        var brighter = Apply(AugmentationSpec.Parse("brightness=0.5"), source, 16, 16, 3, AugmentationDraw.Identity with { Brightness = 1.5f });
        double before = source.Average(v => v), after = brighter.Average(v => v);
        Assert.InRange(after / before, 1.49, 1.51);
    }

    [Fact]
    public void Apply_Contrast_KeepsMeanAndScalesSpread()
    {
        var source = RandomImage(16, 16, 1, 7).Select(v => (byte)(96 + v / 4)).ToArray();
        var flat = Apply(AugmentationSpec.Parse("contrast=0.5"), source, 16, 16, 1, AugmentationDraw.Identity with { Contrast = 0.5f });
        Assert.InRange(flat.Average(v => v) - source.Average(v => v), -0.6, 0.6);
        static double Spread(byte[] a) { double m = a.Average(v => v); return Math.Sqrt(a.Average(v => (v - m) * (v - m))); }
        Assert.InRange(Spread(flat) / Spread(source), 0.47, 0.53);
    }

    [Theory]
    [InlineData(8, 0.0, 0.0)]
    [InlineData(5, 0.99, 0.5)]
    [InlineData(40, 0.3, 0.3)]
    public void Apply_Cutout_ZeroesExactlyNSquaredPixels(int side, double fy, double fx)
    {
        const int h = 20, w = 24, channels = 3;
        var source = Enumerable.Repeat((byte)200, h * w * channels).ToArray();
        var result = Apply(AugmentationSpec.Parse($"cutout={side}"), source, h, w, channels, AugmentationDraw.Identity with { CutoutY = fy, CutoutX = fx });
        int n = Math.Min(side, h);
        int zeroPixels = Enumerable.Range(0, h * w).Count(p => result[p * channels] == 0 && result[p * channels + 1] == 0 && result[p * channels + 2] == 0);
        Assert.Equal(n * n, zeroPixels);
        Assert.Equal(h * w - n * n, Enumerable.Range(0, h * w).Count(p => result[p * channels] == 200));
    }

    [Fact]
    public void Apply_CutoutWithFill_UsesFillValue()
    {
        var source = new byte[10 * 10 * 3];
        var result = Apply(AugmentationSpec.Parse("cutout=3"), source, 10, 10, 3, AugmentationDraw.Identity with { CutoutY = 0.5, CutoutX = 0.5 }, [1, 2, 3]);
        Assert.Equal(9, Enumerable.Range(0, 100).Count(p => result[p * 3] == 1 && result[p * 3 + 1] == 2 && result[p * 3 + 2] == 3));
    }

    [Fact]
    public void Apply_SameSeedEpochIndex_SameBytes_OtherEpochOrIndexDiffers()
    {
        var spec = AugmentationSpec.Parse("flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.2,cutout=4,translate=0.1");
        var source = RandomImage(32, 32, 3, 8);
        byte[] Run(ulong seed, int epoch, long index)
        {
            var result = new byte[source.Length];
            new ImageAugmenter(spec, seed).Apply(source, result, 32, 32, 3, epoch, index);
            return result;
        }
        Assert.Equal(Run(7, 2, 5), Run(7, 2, 5));
        Assert.NotEqual(Run(7, 2, 5), Run(7, 3, 5));
        Assert.NotEqual(Run(7, 2, 5), Run(7, 2, 6));
        Assert.NotEqual(Run(7, 2, 5), Run(8, 2, 5));
    }

    [Fact]
    public void Draw_StaysWithinTheSpecRanges()
    {
        var augmenter = new ImageAugmenter(AugmentationSpec.Parse("flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.3"), 3);
        var draws = Enumerable.Range(0, 2000).Select(i => augmenter.Draw(1, i)).ToList();
        Assert.All(draws, d =>
        {
            Assert.InRange(d.Angle, -15 * Math.PI / 180, 15 * Math.PI / 180);
            Assert.InRange(d.Shear, -0.2, 0.2);
            Assert.InRange(d.Zoom, 0.8, 1.2);
            Assert.InRange(d.CropScale, 0.9, 1);
            Assert.InRange(d.Brightness, 0.8f, 1.2f);
            Assert.InRange(d.Contrast, 0.7f, 1.3f);
            Assert.False(d.FlipY);
        });
        // Both halves of each range are used.
        Assert.InRange(draws.Count(d => d.FlipX), 900, 1100);
        Assert.Contains(draws, d => d.Angle < -0.2);
        Assert.Contains(draws, d => d.Angle > 0.2);
    }

    public static TheoryData<int, int, int, double, double, double, double, int> Maps => new()
    {
        { 17, 23, 3, 13, 0.2, 1.15, 0.9, 0 },
        { 32, 32, 1, -40, -0.3, 0.7, 1, 1 },
        { 8, 5, 4, 170, 0.5, 1.6, 0.6, 0 },
        { 64, 64, 3, 7.5, 0, 0.85, 0.75, 1 },
    };

    [Theory]
    [MemberData(nameof(Maps))]
    public void Warp_MatchesReferenceTwin(int h, int w, int c, double degrees, double shear, double zoom, double crop, int fill)
    {
        var source = RandomImage(h, w, c, (ulong)(h * w + c));
        var map = AffineMap.Compose(h, w, fill == 1, false, degrees * Math.PI / 180, shear, zoom, 1.7, -2.3, crop, 0.8, -0.4);
        var fillValue = Enumerable.Range(0, c).Select(k => (byte)(30 * k + 11)).ToArray();
        var fast = new byte[source.Length];
        var reference = new byte[source.Length];
        AffineWarp.Warp(source, fast, h, w, c, map, (AugmentationFill)fill, fillValue);
        AffineWarp.WarpReference(source, reference, h, w, c, map, (AugmentationFill)fill, fillValue);
        Assert.Equal(reference, fast);
        Assert.NotEqual(source, fast);
    }

    [Fact]
    public void Warp_ShiftByHalfPixel_AveragesNeighbours()
    {
        // Bilinear sampling: half a pixel to the right averages each pixel with its right neighbour (rounded half up).
        byte[] source = [0, 100, 200, 255];
        var result = new byte[4];
        AffineWarp.Warp(source, result, 1, 4, 1, new AffineMap(1, 0, 0, 1, 0.5, 0), AugmentationFill.Nearest);
        Assert.Equal(new byte[] { 50, 150, 228, 255 }, result);
    }
}

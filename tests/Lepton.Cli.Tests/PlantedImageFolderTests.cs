using Lepton.Data.Images;
using Lepton.Tests.Shared;

namespace Lepton.Cli.Tests;

/// <summary>The planted folder the image tests use holds what it says: decodable clean images of mixed formats, sizes and colours.</summary>
public sealed class PlantedImageFolderTests
{
    [Fact]
    public void CleanImagesDecodeInEveryFormatAndTheProblemsDoNot()
    {
        var root = Path.Combine(Path.GetTempPath(), "lepton-planted-" + Guid.NewGuid().ToString("N"));
        try
        {
            var folder = PlantedImageFolder.Create(root, perClass: 14, progressiveFixtures: Path.Combine(AppContext.BaseDirectory, "Fixtures", "progressive"));
            var broken = folder.Planted["unreadable"].Concat(folder.Planted["not-an-image"]).SelectMany(f => f).ToHashSet();
            var formats = new HashSet<string>();
            int gray = 0;
            foreach (var file in folder.Files)
            {
                var bytes = File.ReadAllBytes(Path.Combine(root, file));
                if (broken.Contains(file))
                {
                    Assert.ThrowsAny<Exception>(() => ImageToTensor.Decode(bytes, file));
                    continue;
                }
                var image = ImageToTensor.Decode(bytes, file);
                formats.Add(Path.GetExtension(file));
                if (image.Channels == 1) gray++;
            }
            Assert.Equal([".bmp", ".jpg", ".png", ".webp"], formats.Order());
            Assert.True(gray > 0, "no gray image");
            Assert.Equal(6, folder.Files.Count(f => f.Contains("progressive_", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

using System.IO.Compression;

namespace FlowRunner.Models.Datasets;

/// <summary>Reads IDX files (the original MNIST format, also used by Fashion-MNIST), plain or gzip-compressed; a corrupt or truncated file is an
/// error naming it and what was expected where.</summary>
public static class IdxReader
{
    public static Dataset Load(string imagesFile, string labelsFile, string name)
    {
        var images = ReadAll(imagesFile);
        var labels = ReadAll(labelsFile);
        var (imgDims, imgOffset) = Header(images, imagesFile, 0x08, 3);
        var (lblDims, lblOffset) = Header(labels, labelsFile, 0x08, 1);
        var n = imgDims[0];
        if (lblDims[0] != n) throw new Network.ModelFormatException($"{labelsFile}: {lblDims[0]} labels for {n} images in {imagesFile}");
        var (h, w) = (imgDims[1], imgDims[2]);
        long need = imgOffset + (long)n * h * w;
        if (images.Length < need) throw new Network.ModelFormatException($"{imagesFile}: truncated: the header promises {n} images of {h}x{w} ({need} bytes), the file has {images.Length}");
        if (labels.Length < lblOffset + n) throw new Network.ModelFormatException($"{labelsFile}: truncated: {n} labels need {lblOffset + n} bytes, the file has {labels.Length}");
        var imgs = new float[n][];
        var lbls = new byte[n];
        for (var i = 0; i < n; i++)
        {
            var img = new float[h * w];
            var o = imgOffset + i * h * w;
            for (var k = 0; k < h * w; k++) img[k] = images[o + k] / 255f;
            imgs[i] = img;
            lbls[i] = labels[lblOffset + i];
            if (lbls[i] > 9 && lbls[i] > 99) throw new Network.ModelFormatException($"{labelsFile}: label {lbls[i]} at offset {lblOffset + i} is not a class");
        }
        return new Dataset(name, h, w, 1, imgs, lbls);
    }

    private static byte[] ReadAll(string file)
    {
        if (!File.Exists(file)) throw new Network.ModelFormatException($"{file}: IDX file not found");
        try
        {
            using var raw = File.OpenRead(file);
            Stream s = raw;
            if (raw.Length >= 2 && raw.ReadByte() == 0x1f && raw.ReadByte() == 0x8b) { raw.Position = 0; s = new GZipStream(raw, CompressionMode.Decompress); }
            else raw.Position = 0;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new Network.ModelFormatException($"{file}: corrupt gzip data: {e.Message}");
        }
    }

    /// <summary>Checks the magic number (0, 0, type 0x08 = unsigned byte, dimension count) and reads the dimensions.</summary>
    private static (int[] Dims, int Offset) Header(byte[] b, string file, byte type, int dims)
    {
        if (b.Length < 4 + 4 * dims) throw new Network.ModelFormatException($"{file}: truncated: {b.Length} bytes is shorter than an IDX header");
        if (b[0] != 0 || b[1] != 0 || b[2] != type || b[3] != dims)
            throw new Network.ModelFormatException($"{file}: not an IDX file of {dims}-dimensional unsigned bytes (magic {b[0]:X2} {b[1]:X2} {b[2]:X2} {b[3]:X2} at offset 0; expected 00 00 08 {dims:X2})");
        var d = new int[dims];
        for (var i = 0; i < dims; i++) d[i] = (b[4 + 4 * i] << 24) | (b[5 + 4 * i] << 16) | (b[6 + 4 * i] << 8) | b[7 + 4 * i];
        return (d, 4 + 4 * dims);
    }
}

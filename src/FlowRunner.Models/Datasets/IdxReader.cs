using System.IO.Compression;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Datasets;

/// <summary>Reads IDX files, the format of the original MNIST distribution (also Fashion-MNIST's): a magic number 00 00 08 D (unsigned bytes,
/// D dimensions), D big-endian 32-bit sizes, then the bytes. Images are 3-dimensional (count, rows, columns), labels 1-dimensional. Plain or
/// gzip-compressed. Pixels are scaled to [0, 1] by dividing by 255. A corrupt or truncated file is an error naming it and what was expected
/// at which byte offset.</summary>
public static class IdxReader
{
    public static Dataset Load(string imagesFile, string labelsFile, string name)
    {
        var images = ReadAll(imagesFile);
        var labels = ReadAll(labelsFile);
        var (imgDims, imgOffset) = Header(images, imagesFile, 3);
        var (lblDims, lblOffset) = Header(labels, labelsFile, 1);
        var (n, h, w) = ((int)imgDims[0], (int)imgDims[1], (int)imgDims[2]);
        if (lblDims[0] != n) throw new ModelFormatException($"{labelsFile}: {lblDims[0]} labels, but {imagesFile} has {n} images");
        var size = (long)h * w;
        var need = imgOffset + n * size;
        if (images.Length < need)
        {
            var whole = (images.Length - imgOffset) / size;
            throw new ModelFormatException($"{imagesFile}: truncated at byte {images.Length}: the header promises {n} images of {h}x{w} ({need} bytes); image {whole} starts at byte {imgOffset + whole * size} and needs {size} bytes");
        }
        if (labels.Length < lblOffset + n)
            throw new ModelFormatException($"{labelsFile}: truncated at byte {labels.Length}: {n} labels need {lblOffset + n} bytes (label {labels.Length - lblOffset} is missing)");
        var imgs = new float[n][];
        var lbls = labels.AsSpan(lblOffset, n).ToArray();
        for (var i = 0; i < n; i++)
        {
            var img = new float[size];
            var src = images.AsSpan((int)(imgOffset + i * size), (int)size);
            for (var k = 0; k < src.Length; k++) img[k] = src[k] / 255f;
            imgs[i] = img;
        }
        return new Dataset(name, h, w, 1, imgs, lbls);
    }

    private static byte[] ReadAll(string file)
    {
        if (!File.Exists(file)) throw new ModelFormatException($"{file}: IDX file not found");
        try
        {
            using var raw = File.OpenRead(file);
            var gzip = raw.Length >= 2 && raw.ReadByte() == 0x1f && raw.ReadByte() == 0x8b;
            raw.Position = 0;
            using var s = gzip ? new GZipStream(raw, CompressionMode.Decompress) : (Stream)raw;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException($"{file}: corrupt gzip data: {e.Message}");
        }
        catch (EndOfStreamException)
        {
            throw new ModelFormatException($"{file}: truncated gzip data");
        }
    }

    /// <summary>Checks the magic number (0, 0, type 0x08 = unsigned byte, dimension count) and reads the sizes.</summary>
    private static (long[] Dims, int Offset) Header(byte[] b, string file, int dims)
    {
        var headerBytes = 4 + 4 * dims;
        if (b.Length < 4) throw new ModelFormatException($"{file}: truncated: {b.Length} bytes, an IDX file starts with a 4-byte magic number");
        if (b[0] != 0 || b[1] != 0 || b[2] != 0x08 || b[3] != dims)
            throw new ModelFormatException($"{file}: not an IDX file of {dims}-dimensional unsigned bytes: magic {b[0]:X2} {b[1]:X2} {b[2]:X2} {b[3]:X2} at byte 0, expected 00 00 08 {dims:X2}");
        if (b.Length < headerBytes) throw new ModelFormatException($"{file}: truncated at byte {b.Length}: the header of {dims} sizes needs {headerBytes} bytes");
        var d = new long[dims];
        for (var i = 0; i < dims; i++)
        {
            var o = 4 + 4 * i;
            d[i] = ((uint)b[o] << 24) | ((uint)b[o + 1] << 16) | ((uint)b[o + 2] << 8) | b[o + 3];
            if (d[i] == 0 || d[i] > int.MaxValue / 2) throw new ModelFormatException($"{file}: size {i + 1} at byte {o} is {d[i]}, not a plausible count");
        }
        return (d, headerBytes);
    }
}

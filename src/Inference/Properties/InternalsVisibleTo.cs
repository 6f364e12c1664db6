using System.Runtime.CompilerServices;

// The image tests write 16-bit, colour and alpha PNGs through the same libpng binding the product uses.
[assembly: InternalsVisibleTo("VaePipeline.Tests")]

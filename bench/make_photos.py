#!/usr/bin/python3
"""A photo folder of real size for the benchmarks: OUT/<class>/*.jpg, one folder per class.

Nothing can be downloaded here, so the photos are made from the ones Debian's
opencv-doc ships: each class is a group of source photos (fruit, buildings,
animals, scenes, chessboards), and each image is a random crop of one of them
(a quarter to nine tenths of its area), flipped at random, with its brightness,
contrast and colour jittered, resized to a camera-like size and saved as a JPEG
of quality 80-95 (one in ten as PNG). A few are 1600x1200, as phone photos are,
and one is a truncated JPEG that does not decode: a real folder has one.

The same seed gives byte-identical files.

    /usr/bin/python3 bench/make_photos.py OUT [--per-class 200] [--seed 0]
"""
import argparse
import os
import random
import sys

from PIL import Image, ImageEnhance, ImageFilter, ImageOps

SOURCE = "/usr/share/doc/opencv-doc/examples/data"
CLASSES = {
    "fruit": ["fruits.jpg", "apple.jpg", "orange.jpg", "smarties.png"],
    "building": ["building.jpg", "leuvenA.jpg", "leuvenB.jpg", "home.jpg", "graf1.png"],
    "animal": ["baboon.jpg", "butterfly.jpg", "HappyFish.jpg", "squirrel_cls.jpg", "chicky_512.png"],
    "scene": ["aero1.jpg", "aero3.jpg", "stuff.jpg", "starry_night.jpg", "messi5.jpg",
              "pca_test1.jpg"],
    "board": [f"{side}{i:02d}.jpg" for side in ("left", "right")
              for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14)] + ["board.jpg", "sudoku.png"],
}
SIZES = [(640, 480), (480, 360), (512, 384), (480, 640), (800, 600)]
LARGE = (1600, 1200)


def random_crop(rng, image):
    """A crop of a quarter to nine tenths of the image's area, aspect 3:4 to 4:3."""
    w, h = image.size
    for _ in range(20):
        area = rng.uniform(0.25, 0.9) * w * h
        aspect = rng.uniform(3 / 4, 4 / 3)
        cw, ch = round((area * aspect) ** 0.5), round((area / aspect) ** 0.5)
        if cw <= w and ch <= h:
            x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
            return image.crop((x, y, x + cw, y + ch))
    return image


def jitter(rng, image):
    for enhance in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
        image = enhance(image).enhance(rng.uniform(0.75, 1.25))
    if rng.random() < 0.2:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
    return image


def photo(rng, sources, size):
    image = random_crop(rng, rng.choice(sources))
    if rng.random() < 0.5:
        image = ImageOps.mirror(image)
    return jitter(rng, image).resize(size, Image.BICUBIC)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--per-class", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not os.path.isdir(SOURCE):
        sys.exit(f"make_photos: {SOURCE} is missing; apt-get install opencv-doc")
    rng = random.Random(args.seed)
    count, large = 0, 0
    for name, files in CLASSES.items():
        sources = [Image.open(os.path.join(SOURCE, f)).convert("RGB") for f in files]
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        for i in range(args.per_class):
            big = i == 7 and large < 3
            large += big
            image = photo(rng, sources, LARGE if big else rng.choice(SIZES))
            path = os.path.join(folder, f"{name}_{i:04d}")
            if rng.random() < 0.1:
                image.save(path + ".png")
            else:
                image.save(path + ".jpg", quality=rng.randint(80, 95))
            count += 1
    # A JPEG cut off half way, as a failed copy leaves one.
    broken = os.path.join(args.out, "fruit", "fruit_0000.jpg")
    if os.path.exists(broken):
        with open(broken, "r+b") as f:
            f.truncate(os.path.getsize(broken) // 2)
    megabytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(args.out)
                    for f in fs) / 1e6
    print(f"make_photos: {count} photos in {len(CLASSES)} classes under {args.out} "
          f"({megabytes:.0f} MB; {large} of {LARGE[0]}x{LARGE[1]}, 1 truncated)")


if __name__ == "__main__":
    main()

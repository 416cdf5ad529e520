"""minigrad.vision (torchvision's datasets.ImageFolder, transforms, utils.make_grid) against what
torchvision does, built here from torch and Pillow primitives (torchvision itself cannot be
installed beside the CPU build of torch).

Each random transform must draw from the default generator exactly as torchvision does — the
same calls (``torch.rand(1)``, ``torch.empty(1).uniform_``, ``torch.randint``, ``torch.randperm``)
in the same order — and then call the same Pillow operation. So each test seeds both libraries,
makes torchvision's draws with torch, applies the Pillow call by hand, and expects minigrad's image
to be identical, and both generators to be at the same place afterwards.
"""
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import minigrad
from minigrad.vision import datasets, transforms as T, utils

Image = pytest.importorskip("PIL.Image")
from PIL import ImageEnhance, ImageOps  # noqa: E402

SEEDS = range(12)


def _image(seed=0, size=(20, 30), mode="RGB"):
    """A random 8-bit image of ``size`` (height, width)."""
    rng = np.random.default_rng(seed)
    array = rng.integers(0, 256, size + ((3,) if mode == "RGB" else ()), dtype=np.uint8)
    return Image.fromarray(array)


def _same_image(ours, expected):
    assert isinstance(ours, Image.Image) and ours.mode == expected.mode and ours.size == expected.size
    assert np.array_equal(np.asarray(ours), np.asarray(expected))


def _same_stream():
    """Both generators continue identically after the transform (so the draws were the same count)."""
    assert np.array_equal(minigrad.rand(4).numpy(), torch.rand(4).numpy())


def _seed(seed):
    minigrad.manual_seed(seed)
    torch.manual_seed(seed)


# --- random transforms: torchvision's draws, then the same Pillow call ---------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_random_flips(seed):
    img = _image(seed)
    for transform, method in ((T.RandomHorizontalFlip(0.5), Image.Transpose.FLIP_LEFT_RIGHT),
                              (T.RandomVerticalFlip(0.3), Image.Transpose.FLIP_TOP_BOTTOM)):
        _seed(seed)
        expected = img.transpose(method) if torch.rand(1) < transform.p else img
        _same_image(transform(img), expected)
        _same_stream()


@pytest.mark.parametrize("seed", SEEDS)
def test_random_rotation(seed):
    img = _image(seed)
    _seed(seed)
    angle = float(torch.empty(1).uniform_(-45.0, 45.0).item())
    expected = img.rotate(angle, Image.Resampling.NEAREST, False, None, fillcolor=(0, 0, 0))
    _same_image(T.RandomRotation(45)(img), expected)
    _same_stream()
    _seed(seed)
    angle = float(torch.empty(1).uniform_(10.0, 30.0).item())
    expected = img.rotate(angle, Image.Resampling.BILINEAR, True, (3, 4), fillcolor=(1, 2, 3))
    _same_image(T.RandomRotation((10, 30), T.InterpolationMode.BILINEAR, expand=True, center=(3, 4),
                                 fill=(1, 2, 3))(img), expected)
    _same_stream()


@pytest.mark.parametrize("seed", SEEDS)
def test_random_autocontrast(seed):
    img = _image(seed)
    _seed(seed)
    expected = ImageOps.autocontrast(img) if torch.rand(1).item() < 0.5 else img
    _same_image(T.RandomAutocontrast()(img), expected)
    _same_stream()


@pytest.mark.parametrize("seed", SEEDS)
def test_random_crop(seed):
    img = _image(seed)
    _seed(seed)
    padded = ImageOps.expand(img, border=(2, 2, 2, 2), fill=(0, 0, 0))
    i = torch.randint(0, padded.size[1] - 8 + 1, size=(1,)).item()
    j = torch.randint(0, padded.size[0] - 10 + 1, size=(1,)).item()
    _same_image(T.RandomCrop((8, 10), padding=2)(img), padded.crop((j, i, j + 10, i + 8)))
    _same_stream()


@pytest.mark.parametrize("seed", SEEDS)
def test_random_resized_crop(seed):
    img = _image(seed)
    scale, ratio = (0.08, 1.0), (3 / 4, 4 / 3)
    _seed(seed)
    height, width = img.size[1], img.size[0]
    log_ratio = torch.log(torch.tensor(ratio))
    box = None
    for _ in range(10):
        target_area = height * width * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        w, h = int(round(math.sqrt(target_area * aspect))), int(round(math.sqrt(target_area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,)).item()
            j = torch.randint(0, width - w + 1, size=(1,)).item()
            box = (j, i, j + w, i + h)
            break
    assert box is not None, "this seed falls back to the central crop; pick images that fit"
    expected = img.crop(box).resize((12, 12), Image.Resampling.BILINEAR)
    _same_image(T.RandomResizedCrop(12)(img), expected)
    _same_stream()


def test_random_resized_crop_falls_back_to_a_central_crop():
    img = _image(0, size=(40, 4))  # too narrow for most draws: the fallback (no randint draws)
    _seed(0)
    ours = T.RandomResizedCrop(6, scale=(0.9, 1.0), ratio=(2.0, 3.0))(img)
    for _ in range(10):
        torch.empty(1).uniform_(0.9, 1.0), torch.empty(1).uniform_(0, 1)
    w = 4
    h = int(round(w / 2.0))
    top = (40 - h) // 2
    _same_image(ours, img.crop((0, top, w, top + h)).resize((6, 6), Image.Resampling.BILINEAR))
    _same_stream()


@pytest.mark.parametrize("seed", SEEDS)
def test_color_jitter(seed):
    img = _image(seed)
    ranges = [(0.7, 1.3), (0.6, 1.4), (0.5, 1.5), (-0.1, 0.1)]
    _seed(seed)
    order = torch.randperm(4).tolist()
    factors = [float(torch.empty(1).uniform_(lo, hi)) for lo, hi in ranges]
    expected = img
    for k in order:
        if k < 3:
            enhance = (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color)[k]
            expected = enhance(expected).enhance(factors[k])
        else:
            h, s, v = expected.convert("HSV").split()
            hue = np.array(h, dtype=np.uint8)
            with np.errstate(over="ignore"):
                hue += np.array(factors[3] * 255).astype(np.uint8)
            expected = Image.merge("HSV", (Image.fromarray(hue), s, v)).convert("RGB")
    _same_image(T.ColorJitter(0.3, 0.4, 0.5, 0.1)(img), expected)
    _same_stream()


def test_color_jitter_draws_only_the_factors_asked_for():
    img = _image(1)
    _seed(5)
    order = torch.randperm(4).tolist()
    factor = float(torch.empty(1).uniform_(0.5, 1.5))
    assert order  # the order is drawn even when only one factor is used
    _same_image(T.ColorJitter(contrast=0.5)(img), ImageEnhance.Contrast(img).enhance(factor))
    _same_stream()


def test_the_course_pipeline():
    """The chapter's augmentation: flip, rotate 45, autocontrast, ToTensor, Resize — draws in order."""
    img = _image(3, size=(24, 32))
    pipeline = T.Compose([T.RandomHorizontalFlip(), T.RandomRotation(45), T.RandomAutocontrast(), T.ToTensor(),
                          T.Resize((16, 16))])
    for seed in SEEDS:
        _seed(seed)
        expected = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if torch.rand(1) < 0.5 else img
        expected = expected.rotate(float(torch.empty(1).uniform_(-45.0, 45.0).item()), Image.Resampling.NEAREST,
                                   False, None, fillcolor=(0, 0, 0))
        expected = ImageOps.autocontrast(expected) if torch.rand(1).item() < 0.5 else expected
        x = torch.from_numpy(np.array(expected)).permute(2, 0, 1).float().div(255)
        expected = torch.nn.functional.interpolate(x[None], size=(16, 16), mode="bilinear", align_corners=False,
                                                   antialias=True)[0]
        ours = pipeline(img)
        # ToTensor is exact; the antialiased resize sums <= 4 taps of weights <= 1 in float32
        np.testing.assert_allclose(ours.numpy(), expected.numpy(), atol=4e-7, rtol=0)
        _same_stream()


# --- deterministic transforms ----------------------------------------------------------------------
def test_to_tensor_and_back():
    img = _image(4)
    x = T.ToTensor()(img)
    expected = torch.from_numpy(np.array(img)).permute(2, 0, 1).contiguous().float().div(255)
    assert x.dtype == minigrad.float32 and np.array_equal(x.numpy(), expected.numpy())
    _same_image(T.ToPILImage()(x), img)
    gray = _image(4, mode="L")
    assert np.array_equal(T.ToTensor()(gray).numpy(), np.array(gray)[None].astype(np.float32) / 255)
    assert np.array_equal(T.ToTensor()(np.array(img)).numpy(), expected.numpy())
    p = T.PILToTensor()(img)
    assert p.dtype == minigrad.uint8 and np.array_equal(p.numpy(), np.array(img).transpose(2, 0, 1))
    _same_image(T.ToPILImage()(p), img)


def test_normalize():
    x = np.random.default_rng(0).random((3, 5, 4)).astype(np.float32)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    ours = T.Normalize(mean, std)(minigrad.tensor(x))
    expected = (torch.tensor(x) - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(-1, 1, 1)
    assert np.array_equal(ours.numpy(), expected.numpy())
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize(mean, std)(minigrad.zeros(3, 2, 2, dtype=minigrad.uint8))


@pytest.mark.parametrize("size", [(12, 17), 10, [9]])
def test_resize_pil_and_tensor(size):
    img = _image(5)
    h, w = (size, size) if isinstance(size, int) else tuple(size) * (2 if len(size) == 1 else 1)
    if not isinstance(size, tuple):  # the shorter edge (height here) becomes ``size``
        h, w = h, int(h * 30 / 20)
    _same_image(T.Resize(size)(img), img.resize((w, h), Image.Resampling.BILINEAR))
    x = np.random.default_rng(1).random((2, 3, 20, 30)).astype(np.float32)
    expected = torch.nn.functional.interpolate(torch.tensor(x), size=(h, w), mode="bilinear", align_corners=False,
                                               antialias=True)
    # each output mixes <= 8 taps per dim with weights summing to 1: a few float32 ulps of 1
    np.testing.assert_allclose(T.Resize(size)(minigrad.tensor(x)).numpy(), expected.numpy(), atol=1e-6)
    u = torch.from_numpy(np.array(img)).permute(2, 0, 1).contiguous()
    expected = torch.nn.functional.interpolate(u.float()[None], size=(h, w), mode="bilinear", antialias=True)[0]
    ours = T.Resize(size)(minigrad.tensor(u.numpy()))
    assert ours.dtype == minigrad.uint8
    # rounding back to uint8 may differ by one where the float result sits within rounding error of .5
    assert np.abs(ours.numpy().astype(int) - expected.round().to(torch.uint8).numpy().astype(int)).max() <= 1


def test_crops():
    img = _image(6)
    _same_image(T.CenterCrop((7, 9))(img), img.crop((10, 6, 19, 13)))
    x = minigrad.tensor(np.array(img).transpose(2, 0, 1).copy())
    assert np.array_equal(T.CenterCrop((7, 9))(x).numpy(), np.array(img).transpose(2, 0, 1)[:, 6:13, 10:19])
    big = T.CenterCrop(24)(img)  # larger than the image: zero padding around it
    expected = np.zeros((24, 24, 3), np.uint8)
    expected[2:22, :, :] = np.array(img)[:, 3:27]
    assert np.array_equal(np.array(big), expected)


def test_grayscale():
    img = _image(7)
    _same_image(T.Grayscale()(img), img.convert("L"))
    three = T.Grayscale(3)(img)
    assert three.mode == "RGB" and np.array_equal(np.array(three)[..., 1], np.array(img.convert("L")))
    x = np.random.default_rng(2).random((3, 4, 5)).astype(np.float32)
    expected = (0.2989 * x[0] + 0.587 * x[1] + 0.114 * x[2])[None]
    np.testing.assert_allclose(T.Grayscale()(minigrad.tensor(x)).numpy(), expected, atol=1e-7)


def test_reprs():
    assert repr(T.Compose([T.ToTensor(), T.Resize((128, 128))])) == (
        "Compose(\n    ToTensor()\n    Resize(size=(128, 128), interpolation=bilinear, max_size=None, antialias=True)\n)")
    assert repr(T.RandomRotation(45)) == "RandomRotation(degrees=[-45.0, 45.0], interpolation=nearest, expand=False, fill=0)"
    assert repr(T.RandomResizedCrop(224)) == ("RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), ratio=(0.75, 1.3333), "
                                              "interpolation=bilinear, antialias=True)")
    assert repr(T.ColorJitter(brightness=0.2)) == "ColorJitter(brightness=(0.8, 1.2), contrast=None, saturation=None, hue=None)"


# --- ImageFolder -----------------------------------------------------------------------------------
@pytest.fixture
def image_folder(tmp_path):
    """root/<class>/<file>: classes made out of order, a nested folder, a non-image file."""
    for k, name in enumerate(["dog", "cat", "Bird"]):
        (tmp_path / name).mkdir()
        for f in (["b.png", "a.PNG"] if name != "Bird" else ["x.jpg"]):
            _image(k, size=(6, 5)).save(tmp_path / name / f, format="PNG" if f.lower().endswith("png") else "JPEG")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    (tmp_path / "cat" / "deeper").mkdir()
    _image(9, size=(6, 5)).save(tmp_path / "cat" / "deeper" / "c.png")
    return tmp_path


def test_image_folder_order_and_classes(image_folder):
    ds = datasets.ImageFolder(str(image_folder))
    assert ds.classes == ["Bird", "cat", "dog"] and ds.class_to_idx == {"Bird": 0, "cat": 1, "dog": 2}
    relative = [(os.path.relpath(p, image_folder), t) for p, t in ds.samples]
    assert relative == [("Bird/x.jpg", 0), ("cat/a.PNG", 1), ("cat/b.png", 1), ("cat/deeper/c.png", 1),
                        ("dog/a.PNG", 2), ("dog/b.png", 2)]
    assert ds.targets == [t for _, t in relative] and ds.imgs == ds.samples and len(ds) == 6
    image, target = ds[3]
    assert target == 1 and image.mode == "RGB"
    _same_image(image, _image(9, size=(6, 5)))


def test_image_folder_transforms_loader_and_errors(image_folder):
    ds = datasets.ImageFolder(str(image_folder), transform=T.ToTensor(), target_transform=lambda t: t * 10,
                              loader=lambda path: Image.open(path).convert("L"))
    x, target = ds[1]
    assert tuple(x.shape) == (1, 6, 5) and target == 10
    only_png = datasets.ImageFolder(str(image_folder), is_valid_file=lambda p: p.endswith(".png"), allow_empty=True)
    assert [t for _, t in only_png.samples] == [1, 1, 2]
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes Bird"):
        datasets.ImageFolder(str(image_folder), is_valid_file=lambda p: p.endswith(".png"))
    (image_folder / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty. Supported extensions"):
        datasets.ImageFolder(str(image_folder))
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(str(image_folder / "empty"))


def test_image_folder_repr(image_folder):
    ds = datasets.ImageFolder(str(image_folder), transform=T.Compose([T.ToTensor()]))
    assert repr(ds) == (f"Dataset ImageFolder\n    Number of datapoints: 6\n    Root location: {image_folder}\n"
                        "    StandardTransform\n    Transform: Compose(\n                   ToTensor()\n"
                        "               )")


# --- make_grid -------------------------------------------------------------------------------------
def _grid_by_hand(batch, nrow, padding, pad_value):
    b, c, h, w = batch.shape
    cols, rows = min(nrow, b), -(-b // min(nrow, b))
    grid = np.full((c, rows * (h + padding) + padding, cols * (w + padding) + padding), pad_value, batch.dtype)
    for k in range(b):
        y, x = divmod(k, cols)
        grid[:, y * (h + padding) + padding:(y + 1) * (h + padding), x * (w + padding) + padding:(x + 1) * (w + padding)] = batch[k]
    return grid


@pytest.mark.parametrize("b,nrow,padding,pad_value", [(5, 2, 2, 0.0), (7, 8, 1, 0.5), (4, 3, 0, 0.0)])
def test_make_grid(b, nrow, padding, pad_value):
    batch = np.random.default_rng(b).random((b, 3, 4, 5)).astype(np.float32)
    grid = utils.make_grid(minigrad.tensor(batch), nrow=nrow, padding=padding, pad_value=pad_value)
    assert np.array_equal(grid.numpy(), _grid_by_hand(batch, nrow, padding, pad_value))


def test_make_grid_gray_list_and_normalize():
    batch = np.random.default_rng(0).random((3, 1, 4, 4)).astype(np.float32) * 5
    grid = utils.make_grid([minigrad.tensor(x) for x in batch], normalize=True, padding=1)
    scaled = (batch - batch.min()) / (batch.max() - batch.min())
    np.testing.assert_allclose(grid.numpy(), _grid_by_hand(np.repeat(scaled, 3, axis=1), 8, 1, 0.0), atol=1e-6)
    each = utils.make_grid(minigrad.tensor(batch), normalize=True, scale_each=True, value_range=(0.0, 2.5))
    np.testing.assert_allclose(each.numpy(), _grid_by_hand(np.repeat(np.clip(batch, 0, 2.5) / 2.5, 3, 1), 8, 2, 0.0),
                               atol=1e-6)


def test_torchvision_alias(tmp_path):
    """``python -m minigrad.run`` makes ``import torchvision`` mean minigrad.vision."""
    script = tmp_path / "uses_torchvision.py"
    script.write_text("import torchvision\nfrom torchvision import transforms\nfrom torchvision.datasets import "
                      "ImageFolder\nprint(torchvision.__name__, transforms.ToTensor(), ImageFolder.__name__)\n")
    done = subprocess.run([sys.executable, "-m", "minigrad.run", str(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["torchvision", "ToTensor()", "ImageFolder"]


def test_color_adjustments_of_tensors():
    """torchvision's tensor formulas (_functional_tensor.py): blends with black, the mean grey, the grey image."""
    x = np.random.default_rng(8).random((3, 5, 6)).astype(np.float32)
    t = torch.tensor(x)
    grey = (0.2989 * t[0] + 0.587 * t[1] + 0.114 * t[2]).unsqueeze(0)
    blend = lambda a, b, r: (r * a + (1.0 - r) * b).clamp(0, 1)  # noqa: E731
    expected = {"adjust_brightness": blend(t, torch.zeros_like(t), 1.3),
                "adjust_contrast": blend(t, grey.mean(dim=(-3, -2, -1), keepdim=True), 1.3),
                "adjust_saturation": blend(t, grey, 1.3)}
    for name, want in expected.items():
        got = getattr(T.functional, name)(minigrad.tensor(x), 1.3)
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6, err_msg=name)  # a few float32 ulps
    u = (x * 255).astype(np.uint8)
    got = T.functional.adjust_brightness(minigrad.tensor(u), 1.3)
    want = (1.3 * torch.tensor(u) + (1.0 - 1.3) * torch.zeros(3, 5, 6, dtype=torch.uint8)).clamp(0, 255).to(torch.uint8)
    assert got.dtype == minigrad.uint8 and np.array_equal(got.numpy(), want.numpy())

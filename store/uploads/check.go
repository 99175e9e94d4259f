// Package uploads checks, converts and keeps the evidence files of activity records:
// photos (JPEG, PNG or WebP, recognised by their content, never by their name or the
// browser's Content-Type) and PDF attachments. Files live in a folder outside the
// database under random names.
package uploads

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/jinducity/portal"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Pixel limits: a photo larger than this is refused before it is decoded, so a small file
// claiming huge dimensions (a decompression bomb) cannot exhaust memory.
const (
	MaxSide   = 12000
	MaxPixels = 40_000_000
)

// Sizes of the stored images: photos are re-encoded (which also drops metadata such as
// the place a phone recorded) to fit FullSide, thumbnails to fit ThumbSide.
const (
	FullSide  = 1920
	ThumbSide = 480
)

// Info is what Check learned of a file.
type Info struct {
	Kind          portal.FileKind
	Format        string // jpeg, png, webp or pdf
	Width, Height int
}

// Errors of the checks carry message IDs to show next to the field.
var (
	ErrNotImage      = portal.Errorf(portal.EINVALID, "ErrActNotImage")
	ErrPhotoTooLarge = portal.Errorf(portal.EINVALID, "ErrActPhotoTooLarge")
	ErrPhotoPixels   = portal.Errorf(portal.EINVALID, "ErrActPhotoPixels")
	ErrPhotoBroken   = portal.Errorf(portal.EINVALID, "ErrActPhotoBroken")
	ErrNotPDF        = portal.Errorf(portal.EINVALID, "ErrActNotPDF")
	ErrPDFTooLarge   = portal.Errorf(portal.EINVALID, "ErrActPDFTooLarge")
)

type format struct {
	name   string
	magic  func([]byte) bool
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// formats are the photo formats accepted, each recognised by its signature and decoded
// by its own decoder (not image.Decode, which would accept any format some package
// registered).
var formats = []format{
	{"jpeg", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) }, jpeg.DecodeConfig, jpeg.Decode},
	{"png", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }, png.DecodeConfig, png.Decode},
	{"webp", func(b []byte) bool {
		return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
	}, webp.DecodeConfig, webp.Decode},
}

func formatOf(data []byte) *format {
	for i := range formats {
		if formats[i].magic(data) {
			return &formats[i]
		}
	}
	return nil
}

// CheckPhoto checks that data is a JPEG, PNG or WebP image of acceptable size and
// dimensions, reading only its header.
func CheckPhoto(data []byte) (Info, error) {
	if len(data) > portal.MaxPhotoBytes {
		return Info{}, ErrPhotoTooLarge
	}
	f := formatOf(data)
	if f == nil {
		return Info{}, ErrNotImage
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return Info{}, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return Info{}, ErrPhotoPixels
	}
	return Info{Kind: portal.FilePhoto, Format: f.name, Width: cfg.Width, Height: cfg.Height}, nil
}

// CheckPDF checks that data is a PDF (by its %PDF- signature) of acceptable size.
func CheckPDF(data []byte) (Info, error) {
	if len(data) > portal.MaxPDFBytes {
		return Info{}, ErrPDFTooLarge
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return Info{}, ErrNotPDF
	}
	return Info{Kind: portal.FilePDF, Format: "pdf"}, nil
}

// Photo is a checked photo converted for storage.
type Photo struct {
	Full, Thumb   []byte // JPEG
	Width, Height int    // of Full
}

// ConvertPhoto decodes a photo CheckPhoto accepted and returns it re-encoded as JPEG at
// most FullSide pixels wide or high, with a thumbnail. Transparent areas turn white.
func ConvertPhoto(data []byte) (*Photo, error) {
	if _, err := CheckPhoto(data); err != nil {
		return nil, err
	}
	img, err := formatOf(data).decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrPhotoBroken
	}
	o := exifOrientation(data)
	full, w, h, err := scaleJPEG(img, FullSide, 85, o)
	if err != nil {
		return nil, err
	}
	thumb, _, _, err := scaleJPEG(img, ThumbSide, 75, o)
	if err != nil {
		return nil, err
	}
	return &Photo{Full: full, Thumb: thumb, Width: w, Height: h}, nil
}

// scaleJPEG draws img on white, scaled down to fit side × side, turns it upright as the
// EXIF orientation o says, and encodes it as JPEG.
func scaleJPEG(img image.Image, side, quality, o int) ([]byte, int, int, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > side || h > side {
		if w >= h {
			w, h = side, max(1, h*side/w)
		} else {
			w, h = max(1, w*side/h), side
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	dst = orient(dst, o)
	w, h = dst.Bounds().Dx(), dst.Bounds().Dy()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: quality}); err != nil {
		return nil, 0, 0, err
	}
	return buf.Bytes(), w, h, nil
}

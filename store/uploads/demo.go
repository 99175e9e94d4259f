package uploads

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"sync"

	"golang.org/x/image/draw"
)

// DemoIllustrations is how many placeholder illustrations the demo city's records share.
// They are drawn on first use, never stored: plainly shapes and colours, not photos.
const DemoIllustrations = 4

// DemoName returns the stored name of demo illustration i (0-based), full size or thumbnail.
func DemoName(i int, thumb bool) string {
	if thumb {
		return fmt.Sprintf("demo-%d-thumb.jpg", i%DemoIllustrations)
	}
	return fmt.Sprintf("demo-%d.jpg", i%DemoIllustrations)
}

// DemoSize is the size of a demo illustration.
const DemoWidth, DemoHeight = 640, 427

var demoImages = sync.OnceValue(func() map[string][]byte {
	out := map[string][]byte{}
	for i := range DemoIllustrations {
		img := drawIllustration(i)
		var buf bytes.Buffer
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
		out[DemoName(i, false)] = buf.Bytes()
		thumb, _, _, _ := scaleJPEG(img, ThumbSide/2, 75, 1)
		out[DemoName(i, true)] = thumb
	}
	return out
})

// Demo returns one of the demo city's built-in illustrations (names "demo-…"), which no
// storage holds: they are part of the program.
func Demo(name string) ([]byte, bool) { return demoFile(name) }

func demoFile(name string) ([]byte, bool) {
	if len(name) < 5 || name[:5] != "demo-" {
		return nil, false
	}
	b, ok := demoImages()[name]
	return b, ok
}

var palettes = [][4]color.RGBA{
	{{0xDD, 0xEE, 0xFA, 255}, {0x1F, 0x6F, 0xB2, 255}, {0xF2, 0xB1, 0x34, 255}, {0xC6, 0x28, 0x28, 255}},
	{{0xE8, 0xF5, 0xE9, 255}, {0x2E, 0x7D, 0x32, 255}, {0xFF, 0xD5, 0x4F, 255}, {0xC6, 0x28, 0x28, 255}},
	{{0xFF, 0xF3, 0xE0, 255}, {0xEF, 0x6C, 0x00, 255}, {0x5C, 0x6B, 0xC0, 255}, {0xC6, 0x28, 0x28, 255}},
	{{0xF3, 0xE5, 0xF5, 255}, {0x6A, 0x1B, 0x9A, 255}, {0x26, 0xA6, 0x9A, 255}, {0xC6, 0x28, 0x28, 255}},
}

// drawIllustration draws a flat poster: a pale background, a ground band, a sun, a
// blackboard-like panel and a red "no" sign — recognisably a drawing.
func drawIllustration(i int) *image.RGBA {
	p := palettes[i%len(palettes)]
	img := image.NewRGBA(image.Rect(0, 0, DemoWidth, DemoHeight))
	fill := func(r image.Rectangle, c color.Color) {
		draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
	}
	fill(img.Bounds(), p[0])
	fill(image.Rect(0, DemoHeight*3/4, DemoWidth, DemoHeight), p[1])
	disc(img, 90+i*40, 80, 45, p[2], 0)
	// A board with lines of "writing".
	board := image.Rect(200, 110, 560, 300)
	fill(board, p[1])
	for y := board.Min.Y + 30; y < board.Max.Y-20; y += 34 {
		fill(image.Rect(board.Min.X+24, y, board.Max.X-24-(y%3)*30, y+8), p[0])
	}
	// The prohibition sign: a red ring with a bar.
	cx, cy, r := 150+i*20, 250, 70
	disc(img, cx, cy, r, p[3], r-14)
	for t := -r + 14; t <= r-14; t++ {
		for w := -7; w <= 7; w++ {
			img.Set(cx+t*7/10+w, cy+t*7/10-w, p[3])
		}
	}
	return img
}

// disc draws a filled circle, or a ring when inner > 0.
func disc(img *image.RGBA, cx, cy, r int, c color.Color, inner int) {
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			d := x*x + y*y
			if d <= r*r && d >= inner*inner {
				img.Set(cx+x, cy+y, c)
			}
		}
	}
}

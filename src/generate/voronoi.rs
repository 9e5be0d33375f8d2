//! Voronoi tiling of an area around seed points: one cell per distinct seed, clipped to the area,
//! so that the cells cover it without gaps or overlaps.
//!
//! The diagram is the dual of spade's Delaunay triangulation; geo's boolean ops (i_overlay) clip
//! it. Distances are measured in an equirectangular projection (longitude scaled by the cosine of
//! the area's middle latitude), so a cell holds the places nearest its seed on the ground, not in
//! degrees; the projection is affine, so straight cell edges stay straight when mapped back.

use geo::{BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Point, Polygon};
use spade::{DelaunayTriangulation, Point2, Triangulation};

/// How far out the frame's four corners sit, in multiples of the area's larger side: far enough
/// that every point of the area is nearer to some seed than to a corner (a point of the area is
/// at most √2 sides from any seed, a corner at least 9 sides away), so that the seeds' cells are
/// bounded and together cover the area.
const FRAME: f64 = 10.0;

/// The Voronoi cells of an area's seeds, and a nearest-seed lookup that agrees with them.
pub(super) struct Tiling {
    triangulation: DelaunayTriangulation<Point2<f64>>,
    /// Cell of each triangulation vertex (in insertion order); `None` for the frame's corners.
    cell_of_vertex: Vec<Option<usize>>,
    /// Cell of each seed: seeds at the same position share one.
    cell_of_seed: Vec<usize>,
    /// Cells in the order of their first seed, clipped to the area (empty for a seed outside it).
    cells: Vec<MultiPolygon<f64>>,
    cos_lat: f64,
}

impl Tiling {
    /// Tiles `area` around `seeds`. An area without vertices or seeds gives no cells.
    pub(super) fn new(area: &MultiPolygon<f64>, seeds: &[Point<f64>]) -> Tiling {
        let mut tiling = Tiling {
            triangulation: DelaunayTriangulation::new(),
            cell_of_vertex: Vec::new(),
            cell_of_seed: Vec::with_capacity(seeds.len()),
            cells: Vec::new(),
            cos_lat: 1.0,
        };
        let Some(bbox) = area.bounding_rect() else {
            return tiling;
        };
        if seeds.is_empty() {
            return tiling;
        }
        tiling.cos_lat = bbox.center().y.to_radians().cos();
        let centre = tiling.project(Point::from(bbox.center()));
        let reach = FRAME * (bbox.width() * tiling.cos_lat).max(bbox.height()).max(1e-6);
        for (dx, dy) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
            tiling.insert(Point2::new(centre.x + dx * reach, centre.y + dy * reach));
            tiling.cell_of_vertex.push(None);
        }
        let mut first_seed = Vec::new();
        for (s, seed) in seeds.iter().enumerate() {
            let vertex = tiling.insert(tiling.project(*seed));
            // spade numbers vertices in insertion order and hands back the old number for a
            // repeated position, so a new number is a new cell, and cell c is vertex 4 + c.
            if vertex == tiling.cell_of_vertex.len() {
                tiling.cell_of_vertex.push(Some(first_seed.len()));
                first_seed.push(s);
            }
            let cell = tiling.cell_of_vertex[vertex].expect("seeds lie inside the frame");
            tiling.cell_of_seed.push(cell);
        }
        tiling.cells = (0..first_seed.len())
            .map(|cell| {
                let vertex = spade::handles::FixedVertexHandle::from_index(cell + 4);
                let face = tiling.triangulation.vertex(vertex).as_voronoi_face();
                // spade lists a face's edges clockwise; RFC 7946 wants outer rings anticlockwise.
                let ring: Option<Vec<Coord<f64>>> = face
                    .adjacent_edges()
                    .rev()
                    .map(|edge| edge.from().position().map(|p| tiling.unproject(p)))
                    .collect();
                // Every seed lies strictly inside the frame, so its cell has no vertex at infinity.
                let ring = ring.expect("the frame bounds every seed's cell");
                area.intersection(&Polygon::new(LineString::from(ring), Vec::new()))
            })
            .collect();
        tiling
    }

    /// Inserts a projected point and returns its vertex index (an earlier one for a repeat).
    fn insert(&mut self, at: Point2<f64>) -> usize {
        self.triangulation
            .insert(at)
            .expect("generated coordinates are finite and small")
            .index()
    }

    fn project(&self, p: Point<f64>) -> Point2<f64> {
        Point2::new(p.x() * self.cos_lat, p.y())
    }

    fn unproject(&self, p: Point2<f64>) -> Coord<f64> {
        Coord {
            x: p.x / self.cos_lat,
            y: p.y,
        }
    }

    /// The clipped cells, in the order of their first seed.
    pub(super) fn cells(&self) -> &[MultiPolygon<f64>] {
        &self.cells
    }

    /// The cell of seed `seed`.
    pub(super) fn cell_of_seed(&self, seed: usize) -> usize {
        self.cell_of_seed[seed]
    }

    /// The cell whose seed is nearest to `p`: the cell that holds `p` when `p` lies in the area
    /// (up to rounding on a shared edge); `None` only for points far outside the area.
    pub(super) fn cell_at(&self, p: Point<f64>) -> Option<usize> {
        let vertex = self.triangulation.nearest_neighbor(self.project(p))?;
        self.cell_of_vertex[vertex.fix().index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Intersects, Rect};

    fn square() -> MultiPolygon<f64> {
        MultiPolygon(vec![Rect::new((50.0, 30.0), (51.0, 31.0)).to_polygon()])
    }

    #[test]
    fn cells_cover_the_area_and_hold_their_points() {
        let area = square();
        let seeds: Vec<Point<f64>> = (0..40)
            .map(|i| {
                let t = f64::from(i);
                Point::new(
                    50.02 + (t * 0.618).fract() * 0.96,
                    30.02 + (t * 0.377).fract() * 0.96,
                )
            })
            .chain([Point::new(50.5, 30.5), Point::new(50.5, 30.5)])
            .collect();
        let tiling = Tiling::new(&area, &seeds);
        assert_eq!(tiling.cells().len(), 41, "the repeated seed shares a cell");
        assert_eq!(tiling.cell_of_seed(40), tiling.cell_of_seed(41));
        let total: f64 = tiling.cells().iter().map(|c| c.unsigned_area()).sum();
        // i_overlay snaps to a fixed grid, so shared edges may move by about 1e-9 degrees.
        assert!((total / area.unsigned_area() - 1.0).abs() < 1e-7, "{total}");
        for (s, seed) in seeds.iter().enumerate() {
            let cell = tiling.cell_of_seed(s);
            assert!(tiling.cells()[cell].intersects(seed));
            assert_eq!(tiling.cell_at(*seed), Some(cell));
        }
        // A grid of probes: each lies in the cell of its nearest seed and in no other.
        for i in 0..50 {
            for j in 0..50 {
                let p = Point::new(50.01 + f64::from(i) * 0.0199, 30.01 + f64::from(j) * 0.0199);
                let holding: Vec<usize> = (0..tiling.cells().len())
                    .filter(|&c| tiling.cells()[c].intersects(&p))
                    .collect();
                assert_eq!(holding, vec![tiling.cell_at(p).expect("inside")], "{p:?}");
            }
        }
    }

    #[test]
    fn no_seeds_no_cells() {
        let tiling = Tiling::new(&square(), &[]);
        assert!(tiling.cells().is_empty());
        assert_eq!(tiling.cell_at(Point::new(50.5, 30.5)), None);
    }
}

// The square [-1, 1]^2 with a circular obstacle of radius 0.3 centred at (-0.2, 0)
// (the README's custom-geometry example); h is the target triangle size.
h = 0.1;
Point(1) = {-1, -1, 0, h}; Point(2) = {1, -1, 0, h}; Point(3) = {1, 1, 0, h}; Point(4) = {-1, 1, 0, h};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};
Point(5) = {-0.2, 0, 0, h}; Point(6) = {0.1, 0, 0, h}; Point(7) = {-0.5, 0, 0, h};
Circle(5) = {6, 5, 7}; Circle(6) = {7, 5, 6};
Curve Loop(1) = {1, 2, 3, 4}; Curve Loop(2) = {5, 6};
Plane Surface(1) = {1, 2};

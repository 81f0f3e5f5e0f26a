"""The service catalogue (事项目录): departments, versioned service items, materials, the flow of
stages and parallel steps, and the public service guide generated from it."""
